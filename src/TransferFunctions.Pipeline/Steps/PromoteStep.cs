using System.Globalization;
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
        var (manifest, weights) = await StagedModels.ReadAsync(store, request.Candidate.StagedPrefix, cancellationToken);
        var report = request.Evaluation.Evidence.Candidate.Report;
        var inv = CultureInfo.InvariantCulture;
        var metrics = new Dictionary<string, double>(manifest.Metrics)
        {
            ["test_accuracy"] = report.Accuracy,
            ["test_macro_f1"] = report.MacroF1,
            ["test_examples"] = report.ExampleCount,
        };
        if (report.ExpectedCalibrationError is { } ece) metrics["test_ece"] = ece;
        var card = new ModelCard
        {
            Name = request.Run.Project,
            Architecture = manifest.Architecture,
            Labels = manifest.Labels,
            Input = new ModelInputSpec(manifest.Input.Channels, manifest.Input.Height, manifest.Input.Width,
                manifest.Input.Mean.Select(m => (float)m).ToArray(), manifest.Input.Std.Select(s => (float)s).ToArray()),
            // A registry base is pinned to name:vN at validation: that is its lineage; the embedded base is no registry version.
            BaseModel = manifest.BaseModel is { } b
                ? BaseModelResolver.RegistryVersionOf(request.Data.BaseModel) is { } baseVersion
                    ? new ModelLineage(request.Data.BaseModel[..request.Data.BaseModel.LastIndexOf(":v", StringComparison.Ordinal)], baseVersion, b.WeightsDigest)
                    : new ModelLineage(b.Name, int.TryParse(b.Version, NumberStyles.None, inv, out var bv) ? bv : null, b.WeightsDigest)
                : null,
            DatasetDigest = request.Data.Digest,
            UnlabeledDatasetDigest = request.Data.UnlabeledDigest,
            RunId = request.RunId,
            Strategy = request.Candidate.Strategy,
            Hyperparameters = request.Data.BaseRanking is { Count: > 0 } ranking
                ? new Dictionary<string, string>(request.Candidate.Hyperparameters) { ["base_choice"] = BaseChoice.Describe(ranking) }
                : request.Candidate.Hyperparameters,
            CodeVersion = manifest.CodeVersion,
            Metrics = metrics,
            License = manifest.BaseModel?.License ?? manifest.License,
            Provenance = $"Adapted from {manifest.BaseModel?.Name ?? "(no base)"} on batches [{string.Join(", ", request.Data.Batches)}] of project {request.Run.Project} by run {request.RunId}. {manifest.Provenance}",
            Notes = string.Join("\n", (request.Data.BaseRanking is { Count: > 0 } r ? [$"Base chosen among the project's candidates: {BaseChoice.Describe(r)}."] : Array.Empty<string>()).Concat(request.Candidate.Notes)),
            Package = manifest with { Name = request.Run.Project },
        };
        var registered = await registry.RegisterAsync(card, weights, cancellationToken);
        return registered.Version;
    }
}
