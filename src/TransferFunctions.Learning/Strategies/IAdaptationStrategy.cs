namespace TransferFunctions.Learning.Strategies;

/// <summary>A named recipe that turns a base model and target data into an adapted model with a report of how.</summary>
public interface IAdaptationStrategy
{
    /// <summary>The registry name ("linear-probe", "fine-tune", ...).</summary>
    string Name { get; }

    /// <summary>
    /// Trains and returns the adapted model. CPU/GPU bound and synchronous; run it on a worker thread. The context's
    /// base model is left untouched.
    /// </summary>
    AdaptationOutcome Adapt(AdaptationContext context, CancellationToken cancellationToken = default);
}
