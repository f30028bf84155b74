using TorchSharp;
using TorchSharp.Modules;
using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Training;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// One optimizer parameter group per backbone stage, with learning rates that decay geometrically from the head toward
/// the input (ULMFiT's discriminative fine-tuning): general low-level filters move little, task-specific top stages more.
/// </summary>
public static class DiscriminativeLearningRates
{
    /// <summary>
    /// Stages from the input: the stem (<c>conv1</c>, <c>bn1</c>) then <c>layer1</c>... The head is not a stage.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Stages(ResNet model)
    {
        var names = model.StageNames;
        var stem = names.Where(n => !n.StartsWith("layer", StringComparison.Ordinal)).ToList();
        return new[] { (IReadOnlyList<string>)stem }.Concat(names.Where(n => n.StartsWith("layer", StringComparison.Ordinal)).Select(n => (IReadOnlyList<string>)new[] { n })).ToList();
    }

    /// <summary>
    /// Freezes the backbone except its top <paramref name="trainableStages"/> stages and returns AdamW parameter groups:
    /// the heads in <paramref name="headPrefixes"/> at <paramref name="learningRate"/> (always first), the stage k below
    /// the head at <paramref name="learningRate"/>·<paramref name="decay"/>^k. Heads not listed are frozen.
    /// </summary>
    public static IReadOnlyList<NamedParamGroup> Build(ResNet model, int trainableStages, double learningRate, double decay, double weightDecay, IReadOnlyList<string> headPrefixes)
    {
        model.Freeze();
        var groups = new List<NamedParamGroup>();
        var heads = headPrefixes.SelectMany(model.ParametersUnder).ToList();
        foreach (var p in heads) p.requires_grad = true;
        groups.Add(ParameterGroups.Group(heads, learningRate, weightDecay, "heads"));
        var stages = Stages(model);
        for (var depth = 1; depth <= Math.Min(trainableStages, stages.Count); depth++)
        {
            var stage = stages[^depth];
            var parameters = stage.SelectMany(model.ParametersUnder).ToList();
            foreach (var p in parameters) p.requires_grad = true;
            groups.Add(ParameterGroups.Group(parameters, learningRate * Math.Pow(decay, depth), weightDecay, string.Join("+", stage)));
        }
        return groups.Where(g => g.Parameters.Any()).ToList();
    }
}
