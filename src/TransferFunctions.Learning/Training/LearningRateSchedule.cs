using static TorchSharp.torch;

namespace TransferFunctions.Learning.Training;

/// <summary>A learning-rate multiplier as a function of the step, applied to every parameter group's initial rate.</summary>
public abstract class LearningRateSchedule
{
    public abstract double Factor(long step);

    /// <summary>Sets each group's rate for <paramref name="step"/> (0-based, the step about to be taken).</summary>
    public void Apply(optim.Optimizer optimizer, long step)
    {
        var f = Factor(step);
        foreach (var g in optimizer.ParamGroups) g.LearningRate = g.InitialLearningRate * f;
    }
}
