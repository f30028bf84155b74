namespace TransferFunctions.Learning.Training;

/// <summary>
/// Smith's one-cycle policy with cosine annealing (PyTorch's OneCycleLR, factors relative to the
/// maximum rate): from 1/divFactor up to 1 over <c>pctStart</c> of the steps, then down to
/// 1/(divFactor·finalDivFactor).
/// </summary>
public sealed class OneCycle : LearningRateSchedule
{
    public OneCycle(long totalSteps, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4)
    {
        if (totalSteps <= 1) throw new ArgumentException("one-cycle needs at least 2 steps");
        TotalSteps = totalSteps;
        PctStart = pctStart;
        DivFactor = divFactor;
        FinalDivFactor = finalDivFactor;
    }

    public long TotalSteps { get; }
    public double PctStart { get; }
    public double DivFactor { get; }
    public double FinalDivFactor { get; }

    public override double Factor(long step)
    {
        double start = 1 / DivFactor, end = start / FinalDivFactor;
        var upEnd = PctStart * TotalSteps - 1;
        var last = TotalSteps - 1;
        if (step <= upEnd) return Anneal(start, 1, upEnd <= 0 ? 1 : step / upEnd);
        return Anneal(1, end, Math.Min(1, (step - upEnd) / (last - upEnd)));
    }

    private static double Anneal(double from, double to, double pct) => to + (from - to) / 2 * (Math.Cos(Math.PI * pct) + 1);
}
