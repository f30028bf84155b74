using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Tests.Orchestration;

/// <summary>Waits for a human decision with a timeout, as the pipeline's optional approval does.</summary>
public sealed class ApprovalOrchestrator : IOrchestrator<ApprovalOrchestrator.Request, string>
{
    public async Task<string> RunAsync(IOrchestrationContext context, Request input)
    {
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

    public sealed record Request(int TimeoutMilliseconds);

    public sealed record Decision(bool Approved, string By);
}
