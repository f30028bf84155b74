using System.Text.Json.Nodes;
using TransferFunctions.Cli.Console;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// `transfer adapt --project P --data DIR`: the whole durable pipeline, locally and in this process —
/// the data is copied into the store as a batch, a run is created and executed, one line per step.
/// </summary>
public static class PipelineAdapt
{
    public sealed record Request(string Project, string Data, string? Store, string? Batch, string? Strategy, string? Base, int? Steps, int Seed);

    public static async Task<int> RunAsync(Request request, CancellationToken ct)
    {
        ProjectNames.Validate(request.Project);
        if (!Directory.Exists(request.Data))
        {
            System.Console.Error.WriteLine($"error: --data '{request.Data}' is not a directory (an image folder, or a folder with manifest.csv/manifest.jsonl)");
            return 2;
        }
        await using var pipeline = await LocalPipeline.StartAsync(request.Store, ct);
        var batch = request.Batch ?? $"cli-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        var target = Path.Combine(pipeline.StoreRoot, "datasets", request.Project, batch);
        if (Directory.Exists(target))
        {
            System.Console.Error.WriteLine($"error: batch '{batch}' of project '{request.Project}' exists already in {pipeline.StoreRoot}; choose another --batch");
            return 2;
        }
        CopyDirectory(Path.GetFullPath(request.Data), target);
        await File.WriteAllTextAsync(Path.Combine(target, ArrivalKeys.ReadyMarker), "", ct);

        var runId = ArrivalKeys.RunId(request.Project, batch);
        var created = await pipeline.Service.SubmitAsync(
            new AdaptationRequest(request.Project, batch, request.Strategy, request.Base, RequestedBy: $"transfer adapt ({Environment.UserName})", Steps: request.Steps, Seed: request.Seed), runId, ct);
        System.Console.Out.WriteLine($"run {created.InstanceId}: project {request.Project}, batch {batch}, store {pipeline.StoreRoot}");
        var progress = new RunProgress(System.Console.Out);
        var running = pipeline.Service.RunAsync(created.InstanceId, ct, holder =>
            System.Console.Error.WriteLine($"   waiting: another run of project {request.Project} is executing ({holder?.Owner ?? "holder unknown"}); runs of a project go one after another"));
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(500, ct));
            if (await pipeline.Service.GetRunAsync(created.InstanceId, ct) is { } snapshot) progress.Update(snapshot);
        }
        var run = await running;
        var summary = progress.Finish(run);
        if (summary.Report is { } report) System.Console.Out.WriteLine($"   report: {Path.Combine(pipeline.StoreRoot, report)}");
        if (run.Status == RunStatus.WaitingForEvent)
            System.Console.Out.WriteLine($"   awaiting approval (the run is parked, holding nothing): transfer approve {run.InstanceId} / transfer reject {run.InstanceId}");
        JsonOutput.WriteLastLine(new JsonObject
        {
            ["run"] = run.InstanceId,
            ["status"] = run.Status.ToString(),
            ["outcome"] = summary.Outcome,
            ["version"] = summary.Version,
            ["report"] = summary.Report is { } r ? Path.Combine(pipeline.StoreRoot, r) : null,
        });
        return run.Status is RunStatus.Completed or RunStatus.WaitingForEvent ? 0 : 1;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative == ArrivalKeys.ReadyMarker) continue;
            var destination = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
