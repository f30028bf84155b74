namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>When one step call ran. <see cref="CompletedAt"/> is null while it runs.</summary>
public sealed record StepTiming(int Sequence, string Name, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, bool? Succeeded)
{
    public TimeSpan? Duration => CompletedAt - StartedAt;
}
