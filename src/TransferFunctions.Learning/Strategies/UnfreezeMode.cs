namespace TransferFunctions.Learning.Strategies;

/// <summary>Which backbone stages fine-tuning trains after the head warm-up.</summary>
public enum UnfreezeMode
{
    /// <summary>Every stage at once, each with its discriminative learning rate.</summary>
    All,

    /// <summary>Only the top <see cref="FineTuneOptions.TopStages"/> stages; the rest stay frozen.</summary>
    TopStages,

    /// <summary>One more stage per sub-phase from the top down (ULMFiT's gradual unfreezing), the steps split evenly.</summary>
    Gradual,
}
