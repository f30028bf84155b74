namespace TransferFunctions.Functions.Containers;

/// <summary>One step execution to start: the container runs <c>transfer step {StepName} --input {InputKey} --output {OutputKey}</c>.</summary>
/// <param name="RunId">The run the step belongs to (for labels and logs).</param>
/// <param name="StepName">The step.</param>
/// <param name="InputKey">Store key of the step's input document (a <c>StepInvocation</c>).</param>
/// <param name="OutputKey">Store key where the step writes its output document.</param>
public sealed record StepJobRequest(string RunId, string StepName, string InputKey, string OutputKey);
