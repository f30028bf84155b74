namespace TransferFunctions.Functions.Containers;

/// <summary>The step's documents in the store; <paramref name="Done"/> when its output exists already (an earlier attempt finished).</summary>
public sealed record PreparedContainerStep(string InputKey, string OutputKey, bool Done);
