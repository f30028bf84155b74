namespace TransferFunctions.Pipeline.Hosting;

/// <summary>Tuning of <see cref="DataArrivalTrigger"/>.</summary>
public sealed record DataArrivalTriggerOptions
{
    public const string Section = "Trigger";

    /// <summary>
    /// How often the whole arrival area is scanned even without file events; this bounds the
    /// latency when events are lost (network filesystems, watcher overflow, events during a restart).
    /// </summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>After a file event, wait this long for the burst to settle before scanning, so one copy of many files costs one scan.</summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Watch the filesystem for events (only for a <see cref="Storage.FileSystemObjectStore"/>); off: periodic scans only.</summary>
    public bool WatchFileSystem { get; set; } = true;

    /// <summary>Recorded as <see cref="Service.AdaptationRequest.RequestedBy"/> of the runs the trigger starts.</summary>
    public string RequestedBy { get; set; } = "data-arrival trigger";

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public DataArrivalTriggerOptions Validate()
    {
        if (RescanInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RescanInterval), RescanInterval, "DataArrivalTriggerOptions.RescanInterval must be positive.");
        }

        if (SettleDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SettleDelay), SettleDelay, "DataArrivalTriggerOptions.SettleDelay must not be negative.");
        }

        return this;
    }
}
