using TransferFunctions.Learning.Models;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// The adapted model (its manifest names the base model, the strategy and its hyperparameters) and the report of how
/// it was trained. Disposing the outcome disposes the model.
/// </summary>
public sealed record AdaptationOutcome(ModelPackage Model, AdaptationReport Report) : IDisposable
{
    public void Dispose() => Model.Dispose();
}
