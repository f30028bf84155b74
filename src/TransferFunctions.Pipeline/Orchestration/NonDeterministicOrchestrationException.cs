namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// On replay the orchestrator asked for something other than what its journal recorded at the same
/// position: its code (or an input it depends on) changed, or it used a nondeterministic API. The
/// run is marked Failed; it cannot continue safely.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException(string instanceId, int sequence, string journaled, string requested)
        : base($"Run '{instanceId}' is not deterministic: at journal position {sequence} the journal has {journaled}, but the orchestrator now asks for {requested}.")
    {
        InstanceId = instanceId;
        Sequence = sequence;
        Journaled = journaled;
        Requested = requested;
    }

    public string InstanceId { get; }

    public int Sequence { get; }

    public string Journaled { get; }

    public string Requested { get; }
}
