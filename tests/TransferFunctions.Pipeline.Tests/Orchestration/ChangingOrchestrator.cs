using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Tests.Orchestration;

/// <summary>An orchestrator whose code "changes between deployments" (its first step's name), and that reports step failures it catches.</summary>
public sealed class ChangingOrchestrator : IOrchestrator<string, string>
{
    public string FirstStep { get; set; } = "parse";

    public bool CatchFailures { get; set; }

    public async Task<string> RunAsync(IOrchestrationContext context, string input)
    {
        try
        {
            var numbers = await context.CallStepAsync<int[]>(FirstStep, input);
            var total = await context.CallStepAsync<int>("sum", numbers);
            return $"total {total}";
        }
        catch (StepFailedException ex) when (CatchFailures)
        {
            return $"{ex.StepName} failed: {ex.Failure.Message}";
        }
    }
}
