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
        var record = await runs.GetStatusAsync(request.RunId, cancellationToken);
        var steps = record?.Steps.Where(s => s.Name != StepNames.Report).ToList() ?? new List<StepTiming>();
        var report = new RunReport(request.RunId, request.Run, request.Outcome, request.Reasons, request.Data, request.Features, request.Candidate, request.Scratch,
            request.Evaluation, request.Decision, request.Promotion, steps, (time ?? TimeProvider.System).GetUtcNow());
        var prefix = $"runs/{request.RunId}/";
        await store.WriteAsync(prefix + "report.json", StoreJson.Serialize(report), WriteCondition.Always, cancellationToken);
        await store.WriteAsync(prefix + "report.html", Encoding.UTF8.GetBytes(HtmlReport.Render(report)), WriteCondition.Always, cancellationToken);
        return prefix + "report.html";
    }
}
