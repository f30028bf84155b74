namespace TransferFunctions.Learning.Training;

/// <summary>The loss became NaN or infinite: the run stops instead of producing a broken model.</summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(string message) : base(message) { }
}
