using System.CommandLine;
using TransferFunctions.Cli.Hosting;

namespace TransferFunctions.Cli.Commands;

/// <summary>`transfer approve|reject RUN`: answer a run that waits for human approval.</summary>
public static class ApprovalCommands
{
    public static IEnumerable<Command> Create()
    {
        foreach (var approve in new[] { true, false })
        {
            var store = CommonOptions.Store();
            var run = new Argument<string>("run") { Description = "run id" };
            var by = new Option<string>("--by") { Description = "who decides (recorded)", DefaultValueFactory = _ => Environment.UserName };
            var reason = new Option<string?>("--reason") { Description = "why (recorded)" };
            var command = new Command(approve ? "approve" : "reject", approve ? "Approve a run's promotion." : "Reject a run's promotion.") { run, by, reason, store };
            command.SetAction(async (parse, ct) =>
            {
                var pipeline = new LocalPipeline(parse.GetValue(store)!);
                var id = parse.GetValue(run)!;
                if (approve) await pipeline.Service.ApproveAsync(id, parse.GetValue(by), ct);
                else await pipeline.Service.RejectAsync(id, parse.GetValue(by), parse.GetValue(reason), ct);
                System.Console.Out.WriteLine($"{(approve ? "approved" : "rejected")} {id}");
                return 0;
            });
            yield return command;
        }
    }
}
