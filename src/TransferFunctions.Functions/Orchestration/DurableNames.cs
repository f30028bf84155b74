namespace TransferFunctions.Functions.Orchestration;

/// <summary>Names of this app's orchestrations, activities and events, as registered with Durable Functions.</summary>
public static class DurableNames
{
    /// <summary>The pipeline orchestration (the core's AdaptModelOrchestrator).</summary>
    public const string AdaptModel = "AdaptModel";

    /// <summary>The activity that runs one step in this app through the configured <c>IStepExecutor</c>.</summary>
    public const string RunStep = "RunStep";

    /// <summary>The sub-orchestration that runs one step as a container job execution and monitors it.</summary>
    public const string RunStepInContainer = "RunStepInContainer";

    public const string PrepareContainerStep = "PrepareContainerStep";
    public const string StartStepJob = "StartStepJob";
    public const string GetStepJobStatus = "GetStepJobStatus";
    public const string StopStepJob = "StopStepJob";
    public const string ReadStepOutput = "ReadStepOutput";

    public const string ClaimProjectTurn = "ClaimProjectTurn";
    public const string ReleaseProjectTurn = "ReleaseProjectTurn";

    /// <summary>The event a run receives when the run before it in its project has finished.</summary>
    public const string ProjectTurnEvent = "project-turn";
}
