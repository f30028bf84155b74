namespace TransferFunctions.Learning.Training;

/// <summary>A progress snapshot for displays: where the loop is, how fast it goes, the running loss.</summary>
public sealed record TrainingProgress(
    string Phase,
    int Epoch,
    int Epochs,
    long Step,
    long StepsPerEpoch,
    double Loss,
    TimeSpan Elapsed,
    TimeSpan? Remaining)
{
    public long TotalSteps => StepsPerEpoch * Epochs;
    public long GlobalStep => (long)(Epoch - 1) * StepsPerEpoch + Step;
    public double Fraction => TotalSteps == 0 ? 1 : Math.Clamp(GlobalStep / (double)TotalSteps, 0, 1);
}
