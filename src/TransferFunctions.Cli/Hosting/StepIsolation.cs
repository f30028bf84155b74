namespace TransferFunctions.Cli.Hosting;

/// <summary>Where pipeline steps execute (<c>Steps:Isolation</c>).</summary>
public enum StepIsolation
{
    /// <summary>In the host process (<c>in-process</c>; fastest; the default of the commands that run one run inline).</summary>
    InProcess,

    /// <summary>Each step in a child `transfer step` process, as a container job would run it (<c>child-process</c>).</summary>
    ChildProcess,

    /// <summary>
    /// The compute steps (<see cref="TransferFunctions.Pipeline.Steps.StepNames.Compute"/>: extract-features, adapt, train-scratch,
    /// probe-baseline, evaluate) each in a child process at a lower CPU priority, the steps that only move data in the host
    /// (<c>compute-child-process</c>; the default of <c>transfer serve</c>, so training never starves its HTTP API).
    /// </summary>
    ComputeChildProcess,
}
