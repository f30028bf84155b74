using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferFunctions.Learning.Models;

/// <summary>
/// ResNet with torchvision's parameter names (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>, ...,
/// <c>fc</c>), so a torchvision state dict saved as safetensors loads without renaming. The backbone
/// is everything up to the pooled features; <see cref="Head"/> is <c>fc</c>.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly List<Sequential> _stages = new();

    /// <param name="spec">Block kind, depth and widths.</param>
    /// <param name="classes">Outputs of the primary head <c>fc</c>.</param>
    /// <param name="extraHeads">Further linear heads (task name → outputs) under <c>heads.{name}</c>.</param>
    /// <param name="headHiddenUnits">0 for torchvision's linear <c>fc</c>; otherwise <c>fc</c> is a two-layer MLP with this many hidden units.</param>
    public ResNet(ResNetSpec spec, int classes, IReadOnlyDictionary<string, int>? extraHeads = null, int headHiddenUnits = 0) : base(nameof(ResNet))
    {
        Spec = spec;
        var width = spec.Widths[0];
        // Registered by name (not RegisterComponents) because the number of stages varies and the head can be replaced.
        _conv1 = spec.ImageNetStem
            ? Conv2d(spec.InputChannels, width, 7, stride: 2, padding: 3, bias: false)
            : Conv2d(spec.InputChannels, width, 3, stride: 1, padding: 1, bias: false);
        register_module("conv1", _conv1);
        _bn1 = BatchNorm2d(width);
        register_module("bn1", _bn1);
        long inPlanes = width;
        for (var s = 0; s < spec.BlocksPerStage.Length; s++)
        {
            var stage = Sequential();
            for (var b = 0; b < spec.BlocksPerStage[s]; b++)
            {
                var stride = s > 0 && b == 0 ? 2 : 1;
                Module<Tensor, Tensor> block = spec.Bottleneck ? new Bottleneck(inPlanes, spec.Widths[s], stride) : new BasicBlock(inPlanes, spec.Widths[s], stride);
                stage.append(block);
                inPlanes = spec.Widths[s] * (spec.Bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion);
            }
            _stages.Add(stage);
            register_module($"layer{s + 1}", stage);
        }
        Head = CreateHead(inPlanes, classes, headHiddenUnits);
        register_module("fc", Head);
        HeadHiddenUnits = headHiddenUnits;
        if (extraHeads is { Count: > 0 })
        {
            ExtraHeads = new ModuleDict<Linear>();
            foreach (var (name, count) in extraHeads) ExtraHeads.Add(name, Linear(inPlanes, count));
            register_module("heads", ExtraHeads);
        }
        InitializeWeights();
    }

    /// <summary>Heads of the additional tasks of a multi-task model (label column → head), or null.</summary>
    public ModuleDict<Linear>? ExtraHeads { get; private set; }

    public ResNetSpec Spec { get; }

    /// <summary>The primary task's classifier <c>fc</c>: a <c>Linear</c> layer, or an MLP when <see cref="HeadHiddenUnits"/> &gt; 0.</summary>
    public Module<Tensor, Tensor> Head { get; private set; }

    /// <summary>Hidden units of an MLP head; 0 for a linear head.</summary>
    public int HeadHiddenUnits { get; private set; }

    public long FeatureDimension => Spec.FeatureDimension;

    /// <summary>Names of the stages from input to output, for freezing and discriminative learning rates.</summary>
    public IReadOnlyList<string> StageNames => new[] { "conv1", "bn1" }.Concat(_stages.Select((_, i) => $"layer{i + 1}")).ToList();

    /// <summary>Pooled backbone features [N, FeatureDimension].</summary>
    public Tensor Features(Tensor input)
    {
        var x = Layers.Chain(input, _conv1.forward, _bn1.forward, Layers.ReluInPlace);
        if (Spec.ImageNetStem) x = Layers.Then(x, t => functional.max_pool2d(t, 3, 2, 1));
        foreach (var stage in _stages) x = Layers.Then(x, stage.forward);
        x = Layers.Then(x, t => functional.adaptive_avg_pool2d(t, new long[] { 1, 1 }));
        return Layers.Then(x, t => t.flatten(1));
    }

    // Registered by name in the constructor; the default would register the private fields (and the head's backing
    // field) a second time under their C# names when this model becomes part of another module.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor input)
    {
        using var features = Features(input);
        return Head.forward(features);
    }

    /// <summary>Replaces the head with a fresh one for <paramref name="classes"/> outputs (the old one is disposed).</summary>
    public Module<Tensor, Tensor> ReplaceHead(int classes, int hiddenUnits = 0)
    {
        var old = Head;
        Head = CreateHead(FeatureDimension, classes, hiddenUnits);
        register_module("fc", null!);
        register_module("fc", Head);
        HeadHiddenUnits = hiddenUnits;
        old.Dispose();
        return Head;
    }

    /// <summary>Dropout between the MLP head's layers while training (inactive in eval mode, so not part of the weights).</summary>
    public const double MlpHeadDropout = 0.2;

    /// <summary>A classifier over <paramref name="features"/> inputs: linear, or Linear–ReLU–Dropout–Linear (<c>fc.0</c>, <c>fc.3</c>).</summary>
    public static Module<Tensor, Tensor> CreateHead(long features, int classes, int hiddenUnits = 0) => hiddenUnits <= 0
        ? Linear(features, classes)
        : Sequential(Linear(features, hiddenUnits), ReLU(), Dropout(MlpHeadDropout), Linear(hiddenUnits, classes));

    // torchvision's initialization: He-normal (fan_out, relu) convolutions, unit batch norms.
    private void InitializeWeights()
    {
        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
        {
            if (m is Conv2d c) init.kaiming_normal_(c.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
        }
    }
}
