using TransferFunctions.Learning.Metrics;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Analysis;

/// <summary>
/// Questions asked about a transfer, on top of the feature-level analyses: will the base's features suit the target
/// (LogME)? how far is the target domain from the source (MMD)? did adaptation forget the source task (retention)?
/// was transfer worth it at all (negative transfer vs scratch)?
/// </summary>
public static class TransferAnalysis
{
    /// <summary>Examples used by default for LogME and MMD (the first ones; callers pass shuffled data).</summary>
    public const int DefaultMaxExamples = 2000;

    /// <summary>LogME of <paramref name="backbone"/>'s features of (inputs, labels): higher means the features suit the labels better.</summary>
    public static LogMeResult Transferability(ResNet backbone, Tensor inputs, Tensor labels, int classes, int maxExamples = DefaultMaxExamples, CancellationToken cancellationToken = default)
    {
        var n = Math.Min(inputs.size(0), maxExamples);
        using var features = FeatureExtractor.Extract(backbone, inputs.slice(0, 0, n, 1), cancellationToken);
        return Transferability(features, labels.slice(0, 0, n, 1), classes);
    }

    /// <summary>LogME of precomputed features [N, D] against int64 labels [N].</summary>
    public static LogMeResult Transferability(Tensor features, Tensor labels, int classes) =>
        LogMe.Evaluate(ToRows(features), labels.data<long>().ToArray().Select(v => (int)v).ToArray(), classes);

    /// <summary>MMD² between <paramref name="backbone"/>'s features of source and target inputs (bandwidth by the median heuristic).</summary>
    public static MmdResult DomainDistance(ResNet backbone, Tensor sourceInputs, Tensor targetInputs, MmdOptions? options = null, CancellationToken cancellationToken = default)
    {
        var cap = (options ?? MmdOptions.Default).MaxSamplesPerSide;
        using var source = FeatureExtractor.Extract(backbone, sourceInputs.slice(0, 0, Math.Min(sourceInputs.size(0), cap), 1), cancellationToken);
        using var target = FeatureExtractor.Extract(backbone, targetInputs.slice(0, 0, Math.Min(targetInputs.size(0), cap), 1), cancellationToken);
        return Analysis.DomainDistance.Mmd(ToRows(source), ToRows(target), options);
    }

    /// <summary>
    /// Source-task accuracy of the base model and of the adapted model's backbone with its kept source head
    /// (<c>heads.source</c>) on the same source test examples: how much of the source skill survived adaptation.
    /// </summary>
    public static SourceRetention SourceRetention(ModelPackage basePackage, ModelPackage adapted, Tensor sourceInputs, Tensor sourceLabels, CancellationToken cancellationToken = default)
    {
        if (!Strategies.AdaptedModel.HasSourceHead(adapted.Model))
            throw new ArgumentException($"model '{adapted.Card.Name}' has no '{Strategies.AdaptedModel.SourceHeadName}' head (it was not adapted from a base, or the base head was not linear); source retention cannot be measured");
        var before = ModelEvaluator.Accuracy(basePackage.Model, sourceInputs, sourceLabels, cancellationToken: cancellationToken);
        var after = ModelEvaluator.Accuracy(adapted.Model, sourceInputs, sourceLabels, Strategies.AdaptedModel.SourceHeadName, cancellationToken);
        return new SourceRetention(before, after, (int)sourceInputs.size(0));
    }

    /// <summary>
    /// Negative transfer: the adapted model is not more accurate than the from-scratch baseline on the same test
    /// examples. The one judgement of it: the pipeline's <c>beats-scratch</c> rule and the benches both call this.
    /// </summary>
    /// <param name="adaptedCorrect">Per test example, whether the adapted model was right.</param>
    /// <param name="scratchCorrect">The same for the from-scratch baseline, on the same examples in the same order.</param>
    public static NegativeTransferCheck NegativeTransfer(bool[] adaptedCorrect, bool[] scratchCorrect)
    {
        if (adaptedCorrect.Length != scratchCorrect.Length)
            throw new ArgumentException($"paired results of different test sets ({adaptedCorrect.Length} and {scratchCorrect.Length} examples)");
        double Accuracy(bool[] correct) => correct.Length == 0 ? 0 : (double)correct.Count(c => c) / correct.Length;
        return new NegativeTransferCheck(Accuracy(adaptedCorrect), Accuracy(scratchCorrect), McNemar.ExactTest(adaptedCorrect, scratchCorrect));
    }

    /// <inheritdoc cref="NegativeTransfer(bool[], bool[])"/>
    public static NegativeTransferCheck NegativeTransfer(EvaluationResult adapted, EvaluationResult scratch) =>
        NegativeTransfer(adapted.Correct(), scratch.Correct());

    internal static double[][] ToRows(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        var rows = (int)matrix.size(0);
        var cols = (int)matrix.size(1);
        var flat = matrix.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var result = new double[rows][];
        for (var i = 0; i < rows; i++) result[i] = flat.AsSpan(i * cols, cols).ToArray();
        return result;
    }
}
