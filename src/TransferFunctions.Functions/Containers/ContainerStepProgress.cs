namespace TransferFunctions.Functions.Containers;

/// <summary>The custom status of a running <see cref="Orchestration.DurableNames.RunStepInContainer"/>: which execution runs which step.</summary>
public sealed record ContainerStepProgress(string Execution, string Step);
