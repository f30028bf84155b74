using TransferFunctions.Torch.NN;

namespace TransferFunctions.Torch.Optim;

/// <summary>
/// Parameters that share hyperparameters. Learning rate and weight decay may change between steps
/// (schedules, discriminative rates per stage); <see cref="InitialLearningRate"/> is what schedules scale.
/// </summary>
public sealed class ParamGroup
{
    public ParamGroup(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = 0, string name = "")
    {
        Parameters = parameters.ToList();
        LearningRate = InitialLearningRate = learningRate;
        WeightDecay = weightDecay;
        Name = name;
    }

    public IReadOnlyList<Parameter> Parameters { get; }
    public double LearningRate { get; set; }
    public double InitialLearningRate { get; set; }
    public double WeightDecay { get; set; }
    public string Name { get; }
}
