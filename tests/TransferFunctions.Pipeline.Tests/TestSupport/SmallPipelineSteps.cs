using System.Collections.Concurrent;
using System.Net;
using System.Text;
using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Tests.TestSupport;

/// <summary>
/// The steps of <see cref="SmallAdaptOrchestrator"/>: real functions over the store and the model
/// registry, instrumented so tests can see how many runs train at once and hold training back.
/// </summary>
public sealed class SmallPipelineSteps(IObjectStore store, ModelRegistry registry)
{
    public const string Validate = "validate";
    public const string Train = "train";
    public const string Evaluate = "evaluate";
    public const string Promote = "promote";
    public const string Report = "report";

    private readonly ConcurrentDictionary<string, int> _executions = new();
    private readonly Lock _gauge = new();
    private readonly Dictionary<string, int> _trainingByProject = new();
    private int _training;
    private volatile TaskCompletionSource _trainGate = Opened();

    /// <summary>How long each training takes (long enough for runs to overlap when the scheduler lets them).</summary>
    public TimeSpan TrainDuration { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Most runs seen training at the same moment, over all projects.</summary>
    public int MaxConcurrentTraining { get; private set; }

    /// <summary>Most runs of one project seen training at the same moment.</summary>
    public int MaxConcurrentTrainingPerProject { get; private set; }

    /// <summary>Runs training right now.</summary>
    public int Training
    {
        get
        {
            lock (_gauge)
            {
                return _training;
            }
        }
    }

    /// <summary>Holds every training (after it has started) until <see cref="OpenTraining"/>.</summary>
    public void HoldTraining() => _trainGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OpenTraining() => _trainGate.TrySetResult();

    /// <summary>How often <paramref name="step"/> executed for <paramref name="runId"/>.</summary>
    public int ExecutionsOf(string runId, string step) => _executions.GetValueOrDefault(runId + "/" + step);

    public InProcessStepExecutor CreateExecutor() => new InProcessStepExecutor()
        .Register(Validate, (StepInvocation call, CancellationToken ct) => Count(call, () => ValidateAsync(call, ct)))
        .Register(Train, (StepInvocation call, CancellationToken ct) => Count(call, () => TrainAsync(call, ct)))
        .Register(Evaluate, (StepInvocation call, CancellationToken ct) => Count(call, () => EvaluateAsync(call, ct)))
        .Register(Promote, (StepInvocation call, CancellationToken ct) => Count(call, () => PromoteAsync(call, ct)))
        .Register(Report, (StepInvocation call, CancellationToken ct) => Count(call, () => ReportAsync(call, ct)));

    private Task<System.Text.Json.JsonElement> Count(StepInvocation call, Func<Task<System.Text.Json.JsonElement>> step)
    {
        _executions.AddOrUpdate(call.InstanceId + "/" + call.StepName, 1, (_, n) => n + 1);
        return step();
    }

    private async Task<System.Text.Json.JsonElement> ValidateAsync(StepInvocation call, CancellationToken ct)
    {
        var request = StoreJson.FromElement<AdaptationRequest>(call.Input, "validate input")!;
        var prefix = ArrivalKeys.DatasetsRoot + request.Project + "/" + (request.Batch is null ? "" : request.Batch + "/");
        var files = 0;
        await foreach (var item in store.ListAsync(prefix, ct))
        {
            if (!item.Key.EndsWith("/" + ArrivalKeys.ReadyMarker, StringComparison.Ordinal))
            {
                files++;
            }
        }

        if (files == 0)
        {
            throw new InvalidDataException($"Batch {prefix} holds no data files.");
        }

        return StoreJson.ToElement(new BatchSummary(request.Project, request.Batch, files));
    }

    private async Task<System.Text.Json.JsonElement> TrainAsync(StepInvocation call, CancellationToken ct)
    {
        var batch = StoreJson.FromElement<BatchSummary>(call.Input, "train input")!;
        lock (_gauge)
        {
            _training++;
            var inProject = _trainingByProject[batch.Project] = _trainingByProject.GetValueOrDefault(batch.Project) + 1;
            MaxConcurrentTraining = Math.Max(MaxConcurrentTraining, _training);
            MaxConcurrentTrainingPerProject = Math.Max(MaxConcurrentTrainingPerProject, inProject);
        }

        try
        {
            await Task.Delay(TrainDuration, ct);
            await _trainGate.Task.WaitAsync(ct);
            // More examples, better model: accuracy n/(n+10) rises with the batch size.
            return StoreJson.ToElement(new Candidate(batch.Project, (double)batch.Files / (batch.Files + 10)));
        }
        finally
        {
            lock (_gauge)
            {
                _training--;
                _trainingByProject[batch.Project]--;
            }
        }
    }

    private async Task<System.Text.Json.JsonElement> EvaluateAsync(StepInvocation call, CancellationToken ct)
    {
        var project = StoreJson.FromElement<string>(call.Input, "evaluate input")!;
        var champion = await registry.GetChampionAsync(project, ct);
        if (champion is null)
        {
            return StoreJson.ToElement(new ChampionState(null, null));
        }

        var card = await registry.GetAsync(project, champion.Value.Version, ct);
        return StoreJson.ToElement(new ChampionState(champion.Value.Version, card?.Metrics.GetValueOrDefault("test_accuracy")));
    }

    private async Task<System.Text.Json.JsonElement> PromoteAsync(StepInvocation call, CancellationToken ct)
    {
        var order = StoreJson.FromElement<PromotionOrder>(call.Input, "promote input")!;
        // Idempotent: a re-executed promotion finds the version its run registered before.
        var card = (await registry.ListVersionsAsync(order.Project, ct)).FirstOrDefault(c => c.RunId == order.RunId)
            ?? await registry.RegisterAsync(
                new ModelCard
                {
                    Name = order.Project,
                    Architecture = "small/test",
                    Input = InputSpec.FashionMnist,
                    Labels = [],
                    License = "MIT",
                    RunId = order.RunId,
                    Metrics = new Dictionary<string, double> { ["test_accuracy"] = order.Accuracy },
                },
                Encoding.UTF8.GetBytes("weights of " + order.RunId),
                ct);
        var current = await registry.GetChampionAsync(order.Project, ct);
        if (current?.Value.Version == card.Version)
        {
            return StoreJson.ToElement(card.Version);
        }

        var expected = order.ChampionVersion is { } v ? ChampionExpectation.AtVersion(v) : ChampionExpectation.NoChampion;
        var moved = await registry.TryMoveChampionAsync(order.Project, card.Version, expected, $"run {order.RunId}: accuracy {order.Accuracy:F3}", ct);
        if (!moved.Moved)
        {
            throw new InvalidOperationException(
                $"The champion of '{order.Project}' moved to v{moved.Current?.Value.Version} since run {order.RunId} evaluated against v{order.ChampionVersion}.");
        }

        return StoreJson.ToElement(card.Version);
    }

    private async Task<System.Text.Json.JsonElement> ReportAsync(StepInvocation call, CancellationToken ct)
    {
        var order = StoreJson.FromElement<ReportOrder>(call.Input, "report input")!;
        var folder = RunKeys.Folder(order.RunId);
        var verdict = order.Decision.Promote ? "Promoted" : "Rejected";
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><title>Report of run {WebUtility.HtmlEncode(order.RunId)}</title></head>
            <body><h1 id="report-title">Report of run {WebUtility.HtmlEncode(order.RunId)}</h1>
            <p id="verdict">{verdict}</p><p id="summary">{WebUtility.HtmlEncode(order.Decision.Summary)}</p></body></html>
            """;
        await store.WriteAsync(folder + "report.html", Encoding.UTF8.GetBytes(html), WriteCondition.Always, ct);
        await store.WriteJsonAsync(folder + "report.json", order, WriteCondition.Always, ct);
        return StoreJson.ToElement(folder + "report.html");
    }

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    public sealed record BatchSummary(string Project, string? Batch, int Files);

    public sealed record Candidate(string Project, double Accuracy);

    public sealed record ChampionState(int? Version, double? Accuracy);

    public sealed record PromotionOrder(string Project, string RunId, double Accuracy, int? ChampionVersion);

    public sealed record ReportOrder(string RunId, SmallAdaptOrchestrator.Decision Decision);
}
