namespace TransferFunctions.Learning.Strategies;

/// <summary>Learning-rate schedule over a phase's steps.</summary>
public enum ScheduleKind
{
    /// <summary>Linear warm-up, then cosine decay to zero (<see cref="Training.CosineWithWarmup"/>).</summary>
    Cosine,

    /// <summary>Smith's one-cycle policy (<see cref="Training.OneCycle"/>).</summary>
    OneCycle,
}
