namespace TransferFunctions.Cli.Hosting;

/// <summary>Where pipeline steps execute.</summary>
public enum StepIsolation
{
    /// <summary>In the host process (fastest; the default).</summary>
    InProcess,

    /// <summary>Each step in a child `transfer step` process, as a container job would run it.</summary>
    ChildProcess,
}
