using System.Text;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Reports;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>Last step: writes <c>runs/{id}/report.json</c> and a self-contained <c>report.html</c>; returns the HTML key.</summary>
public sealed class ReportStep(IObjectStore store, OrchestrationClient runs, TimeProvider? time = null)
{
    public async Task<string> RunAsync(ReportRequest request, CancellationToken cancellationToken)
    {
        // The journal, not run.json: it is persisted before this step starts, so the step just before (promote) is in it.
        var journal = await runs.GetJournalAsync(request.RunId, cancellationToken);
        var steps = journal?.Entries
            .Where(e => e.Kind is JournalEntryKind.StepCompleted or JournalEntryKind.StepFailed && e.Name != StepNames.Report)
            .OrderBy(e => e.StartedAt ?? e.RecordedAt)
            .Select(e => new StepTiming(e.Sequence, e.Name, e.StartedAt ?? e.RecordedAt, e.RecordedAt, e.Kind == JournalEntryKind.StepCompleted))
            .ToList() ?? new List<StepTiming>();
        // The other steps' results by key (StepOutputs), not through the orchestration.
        async Task<T?> Output<T>(string step) => await StepOutputs.ReadAsync<T>(store, request.RunId, step, cancellationToken);
        var data = await Output<ValidatedDataset>(StepNames.Validate)
            ?? throw new InvalidOperationException($"run {request.RunId} has no validate output ({StepOutputs.Key(request.RunId, StepNames.Validate)}) to report on");
        var report = new RunReport(request.RunId, request.Run, request.Outcome, request.Reasons, data, await Output<FeatureReport>(StepNames.ExtractFeatures),
            await Output<TrainedModel>(StepNames.Adapt), await Output<TrainedModel>(StepNames.TrainScratch), await Output<EvaluationReport>(StepNames.Evaluate),
            request.Decision, await Output<PromotionOutcome>(StepNames.Promote), steps, (time ?? TimeProvider.System).GetUtcNow());
        var prefix = $"runs/{request.RunId}/";
        await store.WriteAsync(prefix + "report.json", StoreJson.Serialize(report), WriteCondition.Always, cancellationToken);
        await store.WriteAsync(prefix + "report.html", Encoding.UTF8.GetBytes(HtmlReport.Render(report)), WriteCondition.Always, cancellationToken);
        return prefix + "report.html";
    }
}
