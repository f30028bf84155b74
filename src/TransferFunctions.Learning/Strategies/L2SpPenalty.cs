using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

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
    public L2SpPenalty(nn.Module model, double alpha)
    {
        Alpha = alpha;
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
            if (!FeatureExtractor.IsHead(name))
                _anchors.Add((p, p.detach().clone().DetachFromDisposeScope()));
    }

    public double Alpha { get; }

    /// <summary>The penalty as a differentiable scalar (only weights that are being trained contribute gradients).</summary>
    public Tensor Compute()
    {
        Tensor? sum = null;
        foreach (var (weight, start) in _anchors)
        {
            if (!weight.requires_grad) continue;
            var term = weight.sub(start).square().sum();
            sum = sum is null ? term : sum.add(term);
        }
        return (sum ?? tensor(0f)).mul(Alpha / 2);
    }

    public void Dispose()
    {
        foreach (var (_, start) in _anchors) start.Dispose();
        _anchors.Clear();
    }
}
