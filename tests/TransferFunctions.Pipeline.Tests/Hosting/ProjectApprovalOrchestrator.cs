using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Tests.Hosting;

/// <summary>A project's run that waits for approval (timeout in the request; 0: no approval needed), like AdaptModel's gate.</summary>
public sealed class ProjectApprovalOrchestrator : IOrchestrator<ProjectApprovalOrchestrator.Request, string>
{
    public async Task<string> RunAsync(IOrchestrationContext context, Request input)
    {
        if (input.TimeoutMilliseconds == 0) return "no approval needed";
        try
        {
            var decision = await context.WaitForExternalEventAsync<Decision>("approval", TimeSpan.FromMilliseconds(input.TimeoutMilliseconds));
            return decision.Approved ? $"approved by {decision.By}" : $"rejected by {decision.By}";
        }
        catch (TimeoutException)
        {
            return "timed out";
        }
    }

    /// <param name="Project">Read by the scheduler: runs of one project go one at a time.</param>
    public sealed record Request(string Project, int TimeoutMilliseconds);

    public sealed record Decision(bool Approved, string By);
}
