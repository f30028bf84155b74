namespace TransferFunctions.Cli.Tests.Commands;

/// <summary>Runs the CLI in-process with stdout and stderr captured (the console is global, so CLI tests share one collection).</summary>
internal static class CliRun
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        await Gate.WaitAsync();
        var (oldOut, oldError) = (System.Console.Out, System.Console.Error);
        var output = new StringWriter();
        var error = new StringWriter();
        try
        {
            System.Console.SetOut(output);
            System.Console.SetError(error);
            var code = await Program.Main(args);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            System.Console.SetOut(oldOut);
            System.Console.SetError(oldError);
            Gate.Release();
        }
    }

    public static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}
