using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Functions.Containers;

/// <summary>The input of <see cref="Orchestration.DurableNames.RunStepInContainer"/>: the step call and how to watch its execution.</summary>
/// <param name="Invocation">The step call (its documents live at <c>runs/{run}/steps/{seq}-{name}.input|output.json</c>).</param>
/// <param name="PollInterval">The durable timer between two status polls.</param>
/// <param name="Timeout">How long the execution may run before it is stopped.</param>
public sealed record ContainerStepInput(StepInvocation Invocation, TimeSpan PollInterval, TimeSpan Timeout);
