namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// How much training a strategy may spend, in optimizer steps (not epochs, so tiny datasets still get enough
/// updates). Every strategy of one comparison, the from-scratch baseline included, gets the same budget.
/// </summary>
public sealed record AdaptationBudget
{
    /// <summary>Optimizer steps of the main training phase (fine-tuning, scratch training, or head training).</summary>
    public int Steps { get; init; } = 600;

    /// <summary>Largest mini-batch; smaller datasets train on all their examples each step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Validation passes spread over the steps (early stopping checks after each).</summary>
    public int ValidationRounds { get; init; } = 10;

    public static AdaptationBudget Default { get; } = new();

    /// <summary>This budget scaled to <paramref name="fraction"/> of its steps (at least one round of one step).</summary>
    public AdaptationBudget Scaled(double fraction) => this with { Steps = Math.Max(ValidationRounds, (int)Math.Round(Steps * fraction)) };
}
