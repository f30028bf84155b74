using TransferFunctions.Learning.Metrics;
using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Evaluation;

/// <summary>Runs models on labeled test tensors and measures them: reports, bootstrap intervals, paired comparisons.</summary>
public static class ModelEvaluator
{
    /// <summary>Examples per forward pass.</summary>
    public const int BatchSize = 256;

    /// <summary>
    /// Predictions of <paramref name="model"/> in eval mode on inputs [N, C, H, W], through its primary head or the
    /// extra head named <paramref name="head"/> (e.g. <c>"source"</c>).
    /// </summary>
    public static Predictions Predict(ResNet model, Tensor inputs, string? head = null, CancellationToken cancellationToken = default)
    {
        var classifier = head is null
            ? model.Head
            : (model.ExtraHeads is { } eh && eh.TryGetValue(head, out var h) ? h : null) ?? throw new ArgumentException($"the model has no head named '{head}' (heads: fc{string.Concat((model.ExtraHeads?.Keys ?? []).Select(k => ", " + k))})");
        var wasTraining = model.training;
        var device = model.parameters().First().device;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var n = (int)inputs.size(0);
            var labels = new int[n];
            var probabilities = new double[n][];
            for (var start = 0; start < n; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var end = Math.Min(n, start + BatchSize);
                var p = nn.functional.softmax(classifier.forward(model.Features(inputs.slice(0, start, end, 1).to(device))), 1).to(ScalarType.Float64);
                var classes = (int)p.size(1);
                var flat = p.contiguous().data<double>().ToArray();
                for (var i = 0; i < end - start; i++)
                {
                    var row = flat.AsSpan(i * classes, classes).ToArray();
                    probabilities[start + i] = row;
                    labels[start + i] = Array.IndexOf(row, row.Max());
                }
            }
            return new Predictions(labels, probabilities);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Accuracy of <paramref name="model"/> on (inputs, labels), through the primary head or <paramref name="head"/>.</summary>
    public static double Accuracy(ResNet model, Tensor inputs, Tensor labels, string? head = null, CancellationToken cancellationToken = default)
    {
        var predicted = Predict(model, inputs, head, cancellationToken).Labels;
        var truth = labels.data<long>().ToArray();
        return truth.Length == 0 ? double.NaN : truth.Where((t, i) => t == predicted[i]).Count() / (double)truth.Length;
    }

    /// <summary>Full measurement of <paramref name="model"/> on a labeled test set whose labels index <paramref name="labelNames"/>.</summary>
    public static EvaluationResult Evaluate(ResNet model, Tensor inputs, Tensor labels, IReadOnlyList<string> labelNames, string? head = null, BootstrapOptions? bootstrap = null, CancellationToken cancellationToken = default)
    {
        var predictions = Predict(model, inputs, head, cancellationToken);
        var truth = labels.data<long>().ToArray().Select(v => (int)v).ToArray();
        if (truth.Length != predictions.Count) throw new ArgumentException($"{truth.Length} labels for {predictions.Count} inputs");
        if (predictions.Probabilities.Length > 0 && predictions.Probabilities[0].Length != labelNames.Count)
            throw new ArgumentException($"the model's head has {predictions.Probabilities[0].Length} classes but {labelNames.Count} label names were given");
        var report = ClassificationMetrics.Compute(truth, predictions.Labels, labelNames, predictions.Probabilities);
        return new EvaluationResult(
            report,
            Bootstrap.Accuracy(truth, predictions.Labels, bootstrap),
            Bootstrap.MacroF1(truth, predictions.Labels, labelNames.Count, bootstrap),
            truth,
            predictions);
    }

    /// <summary>Evaluates a package's primary task (labels from its manifest).</summary>
    public static EvaluationResult Evaluate(ModelPackage package, Tensor inputs, Tensor labels, BootstrapOptions? bootstrap = null, CancellationToken cancellationToken = default) =>
        Evaluate(package.Model, inputs, labels, package.Card.Labels, null, bootstrap, cancellationToken);

    /// <summary>Paired comparison of two evaluations of the same examples: McNemar's exact test and a bootstrap of the accuracy difference.</summary>
    public static ModelComparison Compare(EvaluationResult a, EvaluationResult b, BootstrapOptions? bootstrap = null)
    {
        if (!a.Truth.SequenceEqual(b.Truth))
            throw new ArgumentException("the two evaluations are not of the same examples (their true labels differ); compare models on one test set");
        return new ModelComparison(
            a.Accuracy,
            b.Accuracy,
            McNemar.ExactTest(a.Correct(), b.Correct()),
            Bootstrap.AccuracyDifference(a.Truth, a.Predictions.Labels, b.Predictions.Labels, bootstrap));
    }
}
