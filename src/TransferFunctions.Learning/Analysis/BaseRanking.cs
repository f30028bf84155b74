using TransferFunctions.Learning.Models;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Analysis;

/// <summary>
/// Ranks candidate base models for one target by LogME of each one's frozen features of the same training examples
/// (You et al., 2021: LogME ranks pretrained models by how well their features explain the labels, without fine-tuning
/// any of them). Each candidate sees the examples at its own input size. The first of the ranking is the choice; equal
/// scores keep the order the candidates were named in.
/// </summary>
public static class BaseRanking
{
    /// <param name="candidates">Each candidate's reference and loaded package.</param>
    /// <param name="inputsFor">The training inputs prepared for a candidate's input spec (the same examples, in the same order, for every candidate).</param>
    /// <param name="labels">int64 labels of those examples.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="maxExamples">Examples scored (the first ones).</param>
    /// <param name="cancellationToken">Stops between candidates and between extraction batches.</param>
    public static IReadOnlyList<BaseCandidateScore> Rank(IReadOnlyList<(string Reference, ModelPackage Package)> candidates, Func<InputSpec, Tensor> inputsFor, Tensor labels, int classes,
        int maxExamples = TransferAnalysis.DefaultMaxExamples, CancellationToken cancellationToken = default)
    {
        if (candidates.Count == 0) throw new ArgumentException("no candidate base models to rank", nameof(candidates));
        var scores = new List<BaseCandidateScore>();
        foreach (var (reference, package) in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var inputs = inputsFor(package.Card.Input);
            var n = (int)Math.Min(inputs.size(0), maxExamples);
            var score = TransferAnalysis.Transferability(package.Model, inputs, labels, classes, n, cancellationToken).Score;
            scores.Add(new BaseCandidateScore(reference, package.Card.WeightsDigest, (int)package.Model.FeatureDimension, package.Card.Input.Height, n, score));
        }
        // OrderByDescending is stable: equal scores keep the order the candidates were named in.
        return scores.OrderByDescending(s => s.LogMe).ToList();
    }

    /// <summary>The ranking in one line, best first: <c>imagenet-resnet18 -0.274 &gt; fashion-compact -0.294</c>.</summary>
    public static string Describe(IReadOnlyList<BaseCandidateScore> ranking) =>
        string.Join(" > ", ranking.Select(s => $"{s.Reference} {s.LogMe.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}"));
}
