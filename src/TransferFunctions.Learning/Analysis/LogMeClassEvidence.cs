namespace TransferFunctions.Learning.Analysis;

/// <summary>LogME's evidence for one class's one-hot target at the maximizing prior and noise precisions.</summary>
/// <param name="ClassIndex">The class whose indicator vector was the regression target.</param>
/// <param name="Evidence">Maximized log evidence divided by the number of examples.</param>
/// <param name="Alpha">Prior precision of the weights at the fixed point.</param>
/// <param name="Beta">Noise precision at the fixed point.</param>
/// <param name="Iterations">Fixed-point iterations run.</param>
public sealed record LogMeClassEvidence(int ClassIndex, double Evidence, double Alpha, double Beta, int Iterations);
