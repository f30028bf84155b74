namespace TransferFunctions.Cli.Bench;

/// <summary>What the load scenario measured on a real <c>transfer serve</c> process.</summary>
/// <param name="BatchesDelivered">Batches written with their <c>_READY</c> marker.</param>
/// <param name="ArrivalSeconds">From the first marker to the last.</param>
/// <param name="RunsFinished">Runs that reached a terminal state (completed, failed or canceled).</param>
/// <param name="RunsCompleted">Runs that completed (promoted or rejected by the gate).</param>
/// <param name="RunsLost">Delivered batches whose run never appeared or never finished by the deadline.</param>
/// <param name="Promotions">Versions registered over all projects.</param>
/// <param name="DuplicateVersions">Registered versions beyond one per promoting run (a run registered twice, or a version number reused).</param>
/// <param name="PromotionsSerialized">True when, per project, no two runs' executions (and so no two promotions) overlapped in time, by the run records' step timestamps, and the champion history is in version order.</param>
/// <param name="SerializationViolations">What overlapped, when something did.</param>
/// <param name="StatusRequests">Status requests sent while runs trained: two bursts of the configured size.</param>
/// <param name="StatusAnswered">Of them, answered 200 with the run's record.</param>
/// <param name="RunsTrainingDuringStatus">Runs that were inside a training step when the burst was sent.</param>
/// <param name="StatusP50Ms">Median latency of the burst over open (keep-alive) connections, milliseconds.</param>
/// <param name="StatusP99Ms">99th percentile latency of that burst, milliseconds.</param>
/// <param name="StatusMaxMs">Slowest request of that burst, milliseconds.</param>
/// <param name="StatusNewConnectionP50Ms">Median latency of the first burst, each request on a new connection, milliseconds.</param>
/// <param name="StatusNewConnectionP99Ms">99th percentile latency of the first burst, milliseconds.</param>
/// <param name="StatusIdleP99Ms">99th percentile latency of the same burst after every run finished (nothing training), milliseconds.</param>
/// <param name="PeakRssMb">Peak resident memory of the server and its step processes together (sampled), MiB.</param>
/// <param name="PeakServerRssMb">Peak resident memory of the server process alone (VmHWM, or the highest sample), MiB.</param>
/// <param name="Seconds">The whole scenario, from the server's start to its stop.</param>
/// <param name="Failures">Runs that did not complete: run id and why.</param>
public sealed record ReliabilityLoadResult(
    int BatchesDelivered,
    double ArrivalSeconds,
    int RunsFinished,
    int RunsCompleted,
    int RunsLost,
    int Promotions,
    int DuplicateVersions,
    bool PromotionsSerialized,
    IReadOnlyList<string> SerializationViolations,
    int StatusRequests,
    int StatusAnswered,
    int RunsTrainingDuringStatus,
    double StatusP50Ms,
    double StatusP99Ms,
    double StatusMaxMs,
    double StatusNewConnectionP50Ms,
    double StatusNewConnectionP99Ms,
    double StatusIdleP99Ms,
    double PeakRssMb,
    double PeakServerRssMb,
    double Seconds,
    IReadOnlyList<string> Failures);
