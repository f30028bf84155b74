namespace TransferFunctions.Learning.Metrics;

/// <summary>
/// One class's precision, recall and F1 on an evaluation set. A class that is never predicted
/// has precision 0 and a class with no true examples has recall 0 (scikit-learn's <c>zero_division=0</c>).
/// </summary>
/// <param name="ClassName">The class's label name.</param>
/// <param name="Precision">True positives over predicted positives.</param>
/// <param name="Recall">True positives over true examples of the class.</param>
/// <param name="F1">Harmonic mean of precision and recall, computed as 2·TP / (support + predicted).</param>
/// <param name="Support">Number of examples whose true label is this class.</param>
public sealed record PerClassMetrics(string ClassName, double Precision, double Recall, double F1, int Support);
