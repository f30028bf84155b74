using System.CommandLine;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// `transfer approve|reject RUN`: answer a run that waits for human approval. A waiting run is parked (it holds nothing),
/// so after raising the event the command finishes the run itself, unless another process (a `transfer serve`) holds it,
/// which then picks the answer up.
/// </summary>
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
            var wait = new Option<bool>("--no-wait") { Description = "only record the answer; do not finish the run here" };
            var command = new Command(approve ? "approve" : "reject", approve ? "Approve a run's promotion." : "Reject a run's promotion.") { run, by, reason, store, wait };
            command.SetAction(async (parse, ct) =>
            {
                await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(store), ct);
                var id = parse.GetValue(run)!;
                var before = await pipeline.Service.GetRunAsync(id, ct);
                if (before is null)
                {
                    System.Console.Error.WriteLine($"error: no run '{id}' in {pipeline.StoreRoot}");
                    return 2;
                }
                if (before.IsTerminal)
                {
                    System.Console.Error.WriteLine($"error: run '{id}' is {before.Status}; there is nothing left to {(approve ? "approve" : "reject")}");
                    return 2;
                }
                if (approve) await pipeline.Service.ApproveAsync(id, parse.GetValue(by), ct);
                else await pipeline.Service.RejectAsync(id, parse.GetValue(by), parse.GetValue(reason), ct);
                System.Console.Out.WriteLine($"{(approve ? "approved" : "rejected")} {id}");
                if (parse.GetValue(wait)) return 0;
                try
                {
                    var after = await pipeline.Service.RunAsync(id, ct);
                    var summary = RunsCommand.Summary(after);
                    System.Console.Out.WriteLine($"run {id}: {after.Status} {summary.Outcome}{(summary.Summary is null ? "" : " — " + summary.Summary)}");
                }
                catch (RunConflictException)
                {
                    System.Console.Out.WriteLine($"run {id} is executing in another process, which takes the answer up");
                }
                return 0;
            });
            yield return command;
        }
    }
}
