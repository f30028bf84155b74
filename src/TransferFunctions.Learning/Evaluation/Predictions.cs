namespace TransferFunctions.Learning.Evaluation;

/// <summary>A model's predicted class and class probabilities (softmax) for each example, in input order.</summary>
public sealed record Predictions(int[] Labels, double[][] Probabilities)
{
    public int Count => Labels.Length;
}
