using System.CommandLine;
using TransferFunctions.Cli.Commands;
using TransferFunctions.Cli.Serve;

namespace TransferFunctions.Cli;

public static class Program
{
    public static Task<int> Main(string[] args)
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
            ServeCommand.Create(LocalServePipeline.Create),
        };
        foreach (var c in ApprovalCommands.Create()) root.Subcommands.Add(c);
        return root.Parse(args).InvokeAsync();
    }
}
