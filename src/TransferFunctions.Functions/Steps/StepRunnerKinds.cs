namespace TransferFunctions.Functions.Steps;

/// <summary>The values of <see cref="StepRunnerOptions.Runner"/>.</summary>
public static class StepRunnerKinds
{
    public const string InProcess = "in-process";
    public const string ContainerJob = "container-job";
}
