using TransferFunctions.Learning.Models;
using static TorchSharp.torch;
using TransferFunctions.Learning.Training;

namespace TransferFunctions.Learning.Strategies;

/// <summary>Everything a strategy needs: the base model, the target data, the seed and budget, and where to report.</summary>
public sealed record AdaptationContext
{
    /// <summary>The pretrained model to adapt; strategies copy its weights and never modify it.</summary>
    public required ModelPackage Base { get; init; }

    public required TargetData Data { get; init; }

    /// <summary>Seeds initialization, shuffling and augmentation: same inputs and seed, same model.</summary>
    public int Seed { get; init; }

    public AdaptationBudget Budget { get; init; } = AdaptationBudget.Default;

    /// <summary>Progress displays, checkpoints...: added to every training phase.</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>Where frozen-backbone features are kept between runs; null computes them every time.</summary>
    public IFeatureCache? FeatureCache { get; init; }

    /// <summary>
    /// Where the models, batches and optimizer state live (resolve the option with <see cref="Engine.EngineDevice.Resolve"/>).
    /// Data tensors may stay on the CPU: each batch is moved here. The adapted model is handed back on the CPU.
    /// </summary>
    public Device Device { get; init; } = CPU;

    /// <summary>Name of the adapted model package; defaults to "{base name}-{strategy}".</summary>
    public string? OutputName { get; init; }
}
