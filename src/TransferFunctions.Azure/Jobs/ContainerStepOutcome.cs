namespace TransferFunctions.Azure.Jobs;

/// <summary>How a monitored container step ended.</summary>
/// <param name="Status">The last status observed (after a stop, possibly still running for a moment).</param>
/// <param name="TimedOut">True when the step ran past its deadline and was stopped.</param>
public sealed record ContainerStepOutcome(ContainerStepStatus Status, bool TimedOut)
{
    public bool Succeeded => !TimedOut && Status.State == ContainerStepState.Succeeded;
}
