using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Training;

/// <summary>AdamW with our defaults and parameter groups, stated once.</summary>
public static class ParameterGroups
{
    /// <summary>
    /// AdamW's weight decay when a caller names none. PyTorch's default is 1e-2; TorchSharp's <c>optim.AdamW</c>
    /// defaults to 0, so every optimizer here passes it explicitly.
    /// </summary>
    public const double DefaultWeightDecay = 1e-2;

    /// <summary>A group of parameters sharing a learning rate and weight decay (its initial rate is what schedules scale).</summary>
    public static NamedParamGroup Group(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = DefaultWeightDecay, string name = "") =>
        new(name, parameters.ToList(), learningRate, weightDecay);

    /// <summary>AdamW over <paramref name="groups"/> (betas 0.9/0.999, eps 1e-8, as PyTorch).</summary>
    public static AdamW AdamW(IEnumerable<AdamW.ParamGroup> groups) => optim.AdamW(groups, weight_decay: DefaultWeightDecay);
}

/// <summary>An AdamW parameter group with a name for reports ("heads", "layer3", ...).</summary>
public sealed class NamedParamGroup : AdamW.ParamGroup
{
    public NamedParamGroup(string name, IEnumerable<Parameter> parameters, double learningRate, double weightDecay)
        : base(parameters, lr: learningRate, weight_decay: weightDecay)
    {
        Name = name;
    }

    public string Name { get; }

    public double WeightDecay
    {
        get => Options.weight_decay ?? 0;
        set => Options.weight_decay = value;
    }
}
