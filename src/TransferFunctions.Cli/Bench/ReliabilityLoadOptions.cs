namespace TransferFunctions.Cli.Bench;

/// <summary>
/// The load scenario's size. Defaults are issue 11's: 30 batches across 5 projects arriving within one minute, 200
/// concurrent status requests while runs train; budgets are small so it ends in a few minutes on 2 cores.
/// </summary>
public sealed record ReliabilityLoadOptions
{
    public int Projects { get; init; } = 5;

    /// <summary>Batches in all, dealt to the projects in turn.</summary>
    public int Batches { get; init; } = 30;

    /// <summary>The batches' <c>_READY</c> markers land evenly spread over this window.</summary>
    public TimeSpan ArrivalWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Labeled training images per class in each batch (5 classes).</summary>
    public int PerClass { get; init; } = 6;

    /// <summary>Held-out test images per class in each batch.</summary>
    public int HoldoutPerClass { get; init; } = 2;

    /// <summary>Optimizer steps of candidate and scratch.</summary>
    public int Steps { get; init; } = 3;

    /// <summary>Runs the server executes at once (<c>--max-concurrent-runs</c>).</summary>
    public int MaxConcurrentRuns { get; init; } = 2;

    /// <summary>Status requests (<c>GET /api/adaptations/{id}</c>) sent at once, while runs train.</summary>
    public int StatusRequests { get; init; } = 200;

    /// <summary>Every run must end within this time after the last batch arrived.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Store folder; null: a fresh temporary folder, deleted afterwards.</summary>
    public string? StoreRoot { get; init; }

    /// <summary>Where the server's logs go; null: beside the store (deleted with a temporary store).</summary>
    public string? LogDirectory { get; init; }

    /// <summary>More environment variables for the server (configuration as <c>TF_Section__Key</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Called once the status bursts sent while runs train are measured (the runs go on): <c>bench reliability</c> starts
    /// its fault scenarios then, so they share the machine with the load's remaining runs but not with its measurement.
    /// </summary>
    public Action? StatusMeasured { get; init; }

    /// <summary>Progress lines (stderr for the bench).</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public ReliabilityLoadOptions Validate()
    {
        if (Projects < 1) throw new ArgumentException($"Projects is {Projects}: at least 1");
        if (Batches < Projects) throw new ArgumentException($"Batches is {Batches}: at least one per project ({Projects})");
        if (PerClass < 1 || HoldoutPerClass < 0 || Steps < 1) throw new ArgumentException("PerClass and Steps must be positive, HoldoutPerClass not negative");
        if (MaxConcurrentRuns < 1) throw new ArgumentException($"MaxConcurrentRuns is {MaxConcurrentRuns}: at least 1");
        if (StatusRequests < 1) throw new ArgumentException($"StatusRequests is {StatusRequests}: at least 1");
        return this;
    }
}
