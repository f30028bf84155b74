using System.CommandLine;
using System.Text.Json.Nodes;
using TransferFunctions.Cli.Bench;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// `transfer bench reliability-load`: the load scenario of issue 11 on its own (<see cref="ReliabilityLoad"/>);
/// `bench reliability` runs it with the fault scenarios.
/// </summary>
public static class ReliabilityLoadCommand
{
    public static Command Create()
    {
        var defaults = new ReliabilityLoadOptions();
        var projects = new Option<int>("--projects") { Description = "projects", DefaultValueFactory = _ => defaults.Projects };
        var batches = new Option<int>("--batches") { Description = "batches in all, dealt to the projects in turn", DefaultValueFactory = _ => defaults.Batches };
        var window = new Option<int>("--arrival-seconds") { Description = "the batches land evenly over this many seconds", DefaultValueFactory = _ => (int)defaults.ArrivalWindow.TotalSeconds };
        var perClass = new Option<int>("--per-class") { Description = "labeled images per class in a batch", DefaultValueFactory = _ => defaults.PerClass };
        var steps = new Option<int>("--steps") { Description = "training steps of candidate and scratch", DefaultValueFactory = _ => defaults.Steps };
        var requests = new Option<int>("--status-requests") { Description = "concurrent status requests sent while runs train", DefaultValueFactory = _ => defaults.StatusRequests };
        var maxRuns = new Option<int>("--max-concurrent-runs") { Description = "runs the server executes at once", DefaultValueFactory = _ => defaults.MaxConcurrentRuns };
        var command = new Command("reliability-load", "Batches land in several projects of a real `transfer serve` within a minute; concurrent status requests while runs train.")
        {
            projects, batches, window, perClass, steps, requests, maxRuns,
        };
        command.SetAction(async (parse, ct) =>
        {
            var result = await ReliabilityLoad.RunAsync(new ReliabilityLoadOptions
            {
                Projects = parse.GetValue(projects), Batches = parse.GetValue(batches), ArrivalWindow = TimeSpan.FromSeconds(parse.GetValue(window)),
                PerClass = parse.GetValue(perClass), Steps = parse.GetValue(steps), StatusRequests = parse.GetValue(requests),
                MaxConcurrentRuns = parse.GetValue(maxRuns), Log = System.Console.Error,
            }, ct);
            JsonOutput.WriteLastLine(ToJson(result));
            return result.RunsLost == 0 && result.DuplicateVersions == 0 && result.PromotionsSerialized && result.StatusAnswered == result.StatusRequests ? 0 : 1;
        });
        return command;
    }

    /// <summary>The result as the bench's last line (snake_case figures).</summary>
    public static JsonObject ToJson(ReliabilityLoadResult r) => new()
    {
        ["batches"] = r.BatchesDelivered,
        ["arrival_s"] = r.ArrivalSeconds,
        ["runs_finished"] = r.RunsFinished,
        ["runs_completed"] = r.RunsCompleted,
        ["runs_lost"] = r.RunsLost,
        ["promotions"] = r.Promotions,
        ["duplicate_versions"] = r.DuplicateVersions,
        ["promotions_serialized"] = r.PromotionsSerialized,
        ["status_requests"] = r.StatusRequests,
        ["status_answered"] = r.StatusAnswered,
        ["runs_training_during_status"] = r.RunsTrainingDuringStatus,
        ["status_p50_ms"] = r.StatusP50Ms,
        ["status_p99_ms"] = r.StatusP99Ms,
        ["status_max_ms"] = r.StatusMaxMs,
        ["status_new_connection_p50_ms"] = r.StatusNewConnectionP50Ms,
        ["status_new_connection_p99_ms"] = r.StatusNewConnectionP99Ms,
        ["status_idle_p99_ms"] = r.StatusIdleP99Ms,
        ["peak_rss_mb"] = r.PeakRssMb,
        ["peak_server_rss_mb"] = r.PeakServerRssMb,
        ["seconds"] = r.Seconds,
    };
}
