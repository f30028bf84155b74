using TransferFunctions.Torch;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Learning.Models;

/// <summary>
/// ResNet with torchvision's parameter names (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>, ...,
/// <c>fc</c>), so a torchvision state dict saved as safetensors loads without renaming. The backbone
/// is everything up to the pooled features; <see cref="Head"/> is <c>fc</c>.
/// </summary>
public sealed class ResNet : Module
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly List<Sequential> _stages = new();

    /// <param name="spec">Block kind, depth and widths.</param>
    /// <param name="classes">Outputs of the primary head <c>fc</c>.</param>
    /// <param name="extraHeads">Further linear heads (task name → outputs) under <c>heads.{name}</c>.</param>
    /// <param name="headHiddenUnits">0 for torchvision's linear <c>fc</c>; otherwise <c>fc</c> is a two-layer MLP with this many hidden units.</param>
    public ResNet(ResNetSpec spec, int classes, IReadOnlyDictionary<string, int>? extraHeads = null, int headHiddenUnits = 0)
    {
        Spec = spec;
        var width = spec.Widths[0];
        _conv1 = spec.ImageNetStem
            ? RegisterModule("conv1", new Conv2d(spec.InputChannels, width, 7, 2, padding: 3, bias: false))
            : RegisterModule("conv1", new Conv2d(spec.InputChannels, width, 3, 1, padding: 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(width));
        long inPlanes = width;
        for (var s = 0; s < spec.BlocksPerStage.Length; s++)
        {
            var stage = new Sequential();
            for (var b = 0; b < spec.BlocksPerStage[s]; b++)
            {
                var stride = s > 0 && b == 0 ? 2 : 1;
                Module block = spec.Bottleneck ? new Bottleneck(inPlanes, spec.Widths[s], stride) : new BasicBlock(inPlanes, spec.Widths[s], stride);
                stage.Add(block);
                inPlanes = spec.Widths[s] * (spec.Bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion);
            }
            _stages.Add(RegisterModule($"layer{s + 1}", stage));
        }
        Head = RegisterModule("fc", CreateHead(inPlanes, classes, headHiddenUnits));
        HeadHiddenUnits = headHiddenUnits;
        if (extraHeads is { Count: > 0 })
        {
            ExtraHeads = RegisterModule("heads", new ModuleDict<Linear>());
            foreach (var (name, count) in extraHeads) ExtraHeads.Add(name, new Linear(inPlanes, count));
        }
        InitializeWeights();
    }

    /// <summary>Heads of the additional tasks of a multi-task model (label column → head), or null.</summary>
    public ModuleDict<Linear>? ExtraHeads { get; private set; }

    /// <summary>Adds a head for another task on the shared backbone.</summary>
    public Linear AddExtraHead(string name, int classes)
    {
        ExtraHeads ??= RegisterModule("heads", new ModuleDict<Linear>());
        var head = new Linear(FeatureDimension, classes);
        ExtraHeads.Add(name, head);
        return head;
    }

    public ResNetSpec Spec { get; }

    /// <summary>The primary task's classifier <c>fc</c>: a <see cref="Linear"/> layer, or an MLP when <see cref="HeadHiddenUnits"/> &gt; 0.</summary>
    public Module Head { get; private set; }

    /// <summary>Hidden units of an MLP head; 0 for a linear head.</summary>
    public int HeadHiddenUnits { get; private set; }

    public long FeatureDimension => Spec.FeatureDimension;

    /// <summary>Names of the stages from input to output, for freezing and discriminative learning rates.</summary>
    public IReadOnlyList<string> StageNames => new[] { "conv1", "bn1" }.Concat(_stages.Select((_, i) => $"layer{i + 1}")).ToList();

    /// <summary>Pooled backbone features [N, FeatureDimension].</summary>
    public Tensor Features(Tensor input)
    {
        var x = Layers.Chain(input, _conv1.Forward, _bn1.Forward, Functional.ReluInPlace);
        if (Spec.ImageNetStem) x = Layers.Then(x, t => Functional.MaxPool2d(t, 3, 2, 1));
        foreach (var stage in _stages) x = Layers.Then(x, stage.Forward);
        x = Layers.Then(x, t => Functional.AdaptiveAvgPool2d(t, 1, 1));
        return Layers.Then(x, t => t.Flatten(1));
    }

    public override Tensor Forward(Tensor input)
    {
        using var features = Features(input);
        return Head.Forward(features);
    }

    /// <summary>Replaces the head with a fresh one for <paramref name="classes"/> outputs (the old one is disposed).</summary>
    public Module ReplaceHead(int classes, int hiddenUnits = 0)
    {
        var old = Head;
        Head = RegisterModule("fc", CreateHead(FeatureDimension, classes, hiddenUnits));
        HeadHiddenUnits = hiddenUnits;
        old.Dispose();
        return Head;
    }

    /// <summary>Dropout between the MLP head's layers while training (inactive in eval mode, so not part of the weights).</summary>
    public const double MlpHeadDropout = 0.2;

    /// <summary>A classifier over <paramref name="features"/> inputs: linear, or Linear–ReLU–Dropout–Linear (<c>fc.0</c>, <c>fc.3</c>).</summary>
    public static Module CreateHead(long features, int classes, int hiddenUnits = 0) => hiddenUnits <= 0
        ? new Linear(features, classes)
        : new Sequential(new Linear(features, hiddenUnits), new ReLU(), new Dropout(MlpHeadDropout), new Linear(hiddenUnits, classes));

    // torchvision's initialization: He-normal (fan_out, relu) convolutions, unit batch norms.
    private void InitializeWeights()
    {
        foreach (var (_, m) in NamedModules())
        {
            if (m is Conv2d c) Init.KaimingNormal(c.Weight, fanIn: false, nonlinearity: "relu");
        }
    }
}
