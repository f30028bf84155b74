using TransferFunctions.Learning.Models;
using TransferFunctions.Torch;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// L2-SP (Li, Grandvalet &amp; Davoine, ICML 2018): α/2 · Σ‖w − w⁰‖² over the backbone's weights, pulling them toward
/// the pretrained starting point w⁰ instead of toward zero, so fine-tuning keeps what pretraining learned.
/// </summary>
public sealed class L2SpPenalty : IDisposable
{
    private readonly List<(Parameter Weight, Tensor Start)> _anchors = new();

    /// <param name="model">The model whose current (pretrained) backbone weights become the anchor.</param>
    /// <param name="alpha">Strength α of the pull.</param>
    public L2SpPenalty(Module model, double alpha)
    {
        Alpha = alpha;
        using var noGrad = torch.NoGrad();
        foreach (var (name, p) in model.NamedParameters())
            if (!FeatureExtractor.IsHead(name))
                _anchors.Add((p, p.Detach().Clone().DetachFromDisposeScope()));
    }

    public double Alpha { get; }

    /// <summary>The penalty as a differentiable scalar (only weights that are being trained contribute gradients).</summary>
    public Tensor Compute()
    {
        Tensor? sum = null;
        foreach (var (weight, start) in _anchors)
        {
            if (!weight.RequiresGrad) continue;
            var term = weight.Sub(start).Square().Sum();
            sum = sum is null ? term : sum.Add(term);
        }
        return (sum ?? torch.Scalar(0)).Mul(Alpha / 2);
    }

    public void Dispose()
    {
        foreach (var (_, start) in _anchors) start.Dispose();
        _anchors.Clear();
    }
}
