namespace TransferFunctions.Learning.Training;

/// <summary>Linear warm-up from 0 over <c>warmupSteps</c>, then cosine decay to <c>minFactor</c> at <c>totalSteps</c>.</summary>
public sealed class CosineWithWarmup : LearningRateSchedule
{
    public CosineWithWarmup(long totalSteps, long warmupSteps = 0, double minFactor = 0)
    {
        if (totalSteps <= 0 || warmupSteps < 0 || warmupSteps > totalSteps) throw new ArgumentException("need 0 <= warmupSteps <= totalSteps and totalSteps > 0");
        TotalSteps = totalSteps;
        WarmupSteps = warmupSteps;
        MinFactor = minFactor;
    }

    public long TotalSteps { get; }
    public long WarmupSteps { get; }
    public double MinFactor { get; }

    public override double Factor(long step)
    {
        if (step < WarmupSteps) return (step + 1) / (double)WarmupSteps;
        var decay = TotalSteps - WarmupSteps;
        if (decay <= 0) return 1;
        var progress = Math.Clamp((step - WarmupSteps) / (double)decay, 0, 1);
        return MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
