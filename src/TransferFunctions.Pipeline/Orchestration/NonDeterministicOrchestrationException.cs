namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// On replay the orchestrator asked for something other than what its journal recorded at the same
/// position: its code (or an input it depends on) changed, or it used a nondeterministic API. The
/// run is marked Failed; it cannot continue safely.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    /// <summary><see cref="RecordedBy"/> of a journal written before journals recorded their code version.</summary>
    public const string UnversionedJournal = "a version before journals recorded theirs";

    public NonDeterministicOrchestrationException(string instanceId, int sequence, string journaled, string requested, string? recordedBy = null)
        : base(recordedBy is null
            ? $"Run '{instanceId}' is not deterministic: at journal position {sequence} the journal has {journaled}, but the orchestrator now asks for {requested}."
            : $"Run '{instanceId}' was recorded by an older version ({recordedBy}) of TransferFunctions whose pipeline differs from this one ({Learning.CodeVersion.Current}): at journal position {sequence} its journal has {journaled}, this version asks for {requested}. It cannot resume; submit its batch again to run it with this version.")
    {
        RecordedBy = recordedBy;
        InstanceId = instanceId;
        Sequence = sequence;
        Journaled = journaled;
        Requested = requested;
    }

    public string InstanceId { get; }

    public int Sequence { get; }

    public string Journaled { get; }

    public string Requested { get; }

    /// <summary>The code version that started the journal when it is not this one (the likely cause); null when this version recorded it.</summary>
    public string? RecordedBy { get; }
}
