using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Step 6: for a promote decision, registers the staged candidate as an immutable version and moves
/// the champion alias by compare-and-swap from the version it was evaluated against. Idempotent: a
/// re-run after a crash finds the version this run already registered instead of adding another.
/// A reject decision changes nothing.
/// </summary>
public sealed class PromoteStep(IObjectStore store, ModelRegistry registry)
{
    public async Task<PromotionOutcome> RunAsync(PromoteRequest request, CancellationToken cancellationToken)
    {
        var name = request.Run.Project;
        if (!request.Decision.Promote) return new PromotionOutcome(false, null, false, false, request.ExpectedChampion);

        var version = await FindRegisteredAsync(name, request.RunId, cancellationToken) ?? await RegisterAsync(request, cancellationToken);
        var current = await registry.GetChampionAsync(name, cancellationToken);
        if (current?.Value.Version == version) return new PromotionOutcome(true, version, true, false, version);

        var expected = request.ExpectedChampion is { } v ? ChampionExpectation.AtVersion(v) : ChampionExpectation.NoChampion;
        var reason = $"run {request.RunId}: {request.Decision.Summary}";
        var move = await registry.TryMoveChampionAsync(name, version, expected, reason, cancellationToken);
        return move.Moved
            ? new PromotionOutcome(true, version, true, false, version)
            : new PromotionOutcome(true, version, false, true, move.Current?.Value.Version);
    }

    private async Task<int?> FindRegisteredAsync(string name, string runId, CancellationToken cancellationToken)
    {
        var versions = await registry.ListVersionsAsync(name, cancellationToken);
        return versions.FirstOrDefault(c => c.RunId == runId)?.Version;
    }

    private async Task<int> RegisterAsync(PromoteRequest request, CancellationToken cancellationToken)
    {
        var (staged, weights) = await StagedModels.ReadAsync(store, request.Candidate.StagedPrefix, cancellationToken);
        var report = request.Evaluation.Evidence.Candidate.Report;
        var metrics = new Dictionary<string, double>(staged.Metrics)
        {
            ["test_accuracy"] = report.Accuracy,
            ["test_macro_f1"] = report.MacroF1,
            ["test_examples"] = report.ExampleCount,
        };
        if (report.ExpectedCalibrationError is { } ece) metrics["test_ece"] = ece;
        var training = new Dictionary<string, string>(staged.Training);
        foreach (var (key, value) in request.Candidate.Hyperparameters) training[key] = value;
        if (request.Data.BaseRanking is { Count: > 0 } ranking) training["base_choice"] = BaseChoice.Describe(ranking);
        // The staged card already names its base with version and digest (the pinned base it was adapted from); the
        // registry version adds what only the run knows.
        var card = staged with
        {
            Name = request.Run.Project,
            Version = 0,
            DatasetDigest = request.Data.Digest,
            UnlabeledDatasetDigest = request.Data.UnlabeledDigest,
            RunId = request.RunId,
            Strategy = request.Candidate.Strategy,
            Training = training,
            Metrics = metrics,
            License = staged.BaseModel?.License ?? staged.License,
            Provenance = $"Adapted from {staged.BaseModel?.Name ?? "(no base)"} on batches [{string.Join(", ", request.Data.Batches)}] of project {request.Run.Project} by run {request.RunId}. {staged.Provenance}",
            Notes = string.Join("\n", (request.Data.BaseRanking is { Count: > 0 } r ? [$"Base chosen among the project's candidates: {BaseChoice.Describe(r)}."] : Array.Empty<string>()).Concat(request.Candidate.Notes)),
        };
        var registered = await registry.RegisterAsync(card, weights, cancellationToken);
        return registered.Version;
    }
}
