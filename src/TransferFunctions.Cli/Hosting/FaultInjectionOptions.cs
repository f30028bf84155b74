namespace TransferFunctions.Cli.Hosting;

/// <summary>
/// A test seam, off by default (configuration section <c>Pipeline:Faults</c>): holds a named step for a while just before
/// or just after it does its work, so a fault test can kill, freeze or race the host while that step is known to be
/// running instead of hoping to hit a step that lasts milliseconds. The reliability bench and its tests set it;
/// nothing else should.
/// </summary>
public sealed record FaultInjectionOptions
{
    public const string Section = "Pipeline:Faults";

    /// <summary>A step name (<c>validate</c>, <c>promote</c>, …) to hold before it starts its work; empty: none.</summary>
    public string? PauseBeforeStep { get; set; }

    /// <summary>A step name to hold after its work is done but before its result is handed back (and journaled); empty: none.</summary>
    public string? PauseAfterStep { get; set; }

    /// <summary>How long a held step waits (the host may be killed meanwhile).</summary>
    public TimeSpan PauseFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when any step is to be held.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(PauseBeforeStep) || !string.IsNullOrWhiteSpace(PauseAfterStep);
}
