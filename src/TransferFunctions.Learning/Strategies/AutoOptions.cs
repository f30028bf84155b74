namespace TransferFunctions.Learning.Strategies;

/// <summary>How <c>auto</c> chooses a strategy; each threshold appears in the notes when it decides.</summary>
public sealed record AutoOptions
{
    public static AutoOptions Default { get; } = new();

    /// <summary>
    /// With fewer validation examples per class than this, a validation comparison is noise; auto then follows the
    /// prior (fine-tune when the features transfer) instead.
    /// </summary>
    public int MinValidationPerClass { get; init; } = 2;

    /// <summary>From this many labels per class on, training from scratch is a serious candidate.</summary>
    public int ManyLabelsPerClass { get; init; } = 1000;

    /// <summary>Fraction of the budget each candidate gets in the quick comparison; the winner is then trained with all of it.</summary>
    public double QuickBudgetFraction { get; init; } = 0.25;

    /// <summary>Examples used for the two LogME scores (pretrained vs random backbone).</summary>
    public int LogMeMaxExamples { get; init; } = 2000;

    /// <summary>Validation-accuracy lead a candidate needs over fine-tune to be chosen instead (fine-tune wins ties).</summary>
    public double Margin { get; init; } = 0.005;

    public ProbeOptions Probe { get; init; } = ProbeOptions.Linear;
    public FineTuneOptions FineTune { get; init; } = FineTuneOptions.Default;
    public ScratchOptions Scratch { get; init; } = ScratchOptions.Default;
}
