using System.Text.Json;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>One execution request for a step: which run asked, which step, where in the run, with what JSON input.</summary>
/// <param name="InstanceId">The run.</param>
/// <param name="StepName">The registered step name.</param>
/// <param name="Sequence">The call's position in the run's journal; with <paramref name="InstanceId"/> it names the call uniquely (for idempotent outputs).</param>
/// <param name="Input">The input document (JSON null when the step takes none).</param>
public sealed record StepInvocation(string InstanceId, string StepName, int Sequence, JsonElement Input);
