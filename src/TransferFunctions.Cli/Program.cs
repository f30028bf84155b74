using System.CommandLine;
using TransferFunctions.Cli.Commands;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("TransferFunctions: adapt pretrained models to new domains, with proof.")
        {
            DemoCommand.Create(),
            BenchCommand.Create(),
            PretrainCommand.Create(),
            RunsCommand.Create(),
            ModelsCommand.Create(),
            StepCommand.Create(),
            AdaptCommand.Create(),
            EvaluateCommand.Create(),
            ServeCommand.Create(),
            BatchesCommand.Create(),
        };
        foreach (var c in ApprovalCommands.Create()) root.Subcommands.Add(c);
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (Hosting.ConfigurationErrors.Describe(ex) is { } problem)
        {
            await System.Console.Error.WriteLineAsync($"error: {problem}");
            return 2;
        }
        catch (Exception ex) when (ApiErrorMapping.ClientError(ex) is not null)
        {
            // The same specific errors the API answers 400/404/409: the user's input, said plainly.
            await System.Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            await System.Console.Error.WriteLineAsync("canceled");
            return 130;
        }
        catch (Exception ex)
        {
            // No stack trace for users (TF_DEBUG=1 shows it); the type says where to look.
            await System.Console.Error.WriteLineAsync(Environment.GetEnvironmentVariable("TF_DEBUG") == "1" ? $"error: {ex}" : $"error: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }
}
