namespace TransferFunctions.Learning.Strategies;

/// <summary>Learning-rate schedule over a phase's steps.</summary>
public enum ScheduleKind
{
    /// <summary>Linear warm-up, then cosine decay to zero (<see cref="Torch.Optim.CosineWithWarmup"/>).</summary>
    Cosine,

    /// <summary>Smith's one-cycle policy (<see cref="Torch.Optim.OneCycle"/>).</summary>
    OneCycle,
}
