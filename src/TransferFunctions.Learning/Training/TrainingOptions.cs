namespace TransferFunctions.Learning.Training;

/// <summary>Knobs of <see cref="TrainingLoop"/>; defaults are the ones used when a strategy says nothing.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Clip the global gradient norm to this value; null disables clipping.</summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>Name shown by progress displays ("fine-tune", "scratch", ...).</summary>
    public string Phase { get; init; } = "train";

    /// <summary>Steps between reads of the running loss off a GPU (each read waits for the device); on the CPU it is read every step.</summary>
    public int LossReadInterval { get; init; } = 25;
}
