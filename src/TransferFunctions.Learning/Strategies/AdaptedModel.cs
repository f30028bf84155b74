using TransferFunctions.Learning.Training;
using TransferFunctions.Learning.Engine;
using System.Globalization;
using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace TransferFunctions.Learning.Strategies;

/// <summary>Builds the model a strategy trains from its base, and the package (with lineage) it hands back.</summary>
public static class AdaptedModel
{
    /// <summary>
    /// Name of the extra head that keeps the base model's own classifier, so source-task retention (forgetting) can be
    /// measured on the adapted backbone. Label columns may not use it.
    /// </summary>
    public const string SourceHeadName = "source";

    /// <summary>
    /// A new model with the base's backbone weights, a fresh primary head for <paramref name="classes"/>, fresh extra
    /// heads, and (when <paramref name="keepSourceHead"/> and the base head is linear) a frozen copy of the base head
    /// as <c>heads.source</c>; on <paramref name="device"/> when given.
    /// </summary>
    public static ResNet FromBase(ModelPackage basePackage, int classes, bool keepSourceHead, IReadOnlyDictionary<string, int>? extraHeads = null, int headHiddenUnits = 0, Device? device = null)
    {
        if (extraHeads?.ContainsKey(SourceHeadName) == true)
            throw new ArgumentException($"label column name '{SourceHeadName}' is reserved for the base model's own head; rename the column");
        var baseModel = basePackage.Model;
        var heads = new Dictionary<string, int>(extraHeads ?? new Dictionary<string, int>());
        var sourceHead = keepSourceHead && baseModel.Head is Linear;
        if (sourceHead) heads[SourceHeadName] = basePackage.Card.Labels.Count;
        var model = new ResNet(baseModel.Spec, classes, heads, headHiddenUnits);
        try
        {
            var state = baseModel.state_dict().Where(kv => !FeatureExtractor.IsHead(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            if (sourceHead)
            {
                state[$"heads.{SourceHeadName}.weight"] = baseModel.state_dict()["fc.weight"];
                state[$"heads.{SourceHeadName}.bias"] = baseModel.state_dict()["fc.bias"];
            }
            model.LoadStateDictChecked(state, strict: false);
            model.Freeze($"heads.{SourceHeadName}");
            return device is null ? model : model.to(device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>True when <paramref name="model"/> carries the base model's head as <c>heads.source</c>.</summary>
    public static bool HasSourceHead(ResNet model) => model.ExtraHeads?.ContainsKey(SourceHeadName) == true;

    /// <summary>
    /// Wraps a trained model as a package whose card records lineage (base name and weights digest, license),
    /// the strategy and its hyperparameters, and the validation accuracy.
    /// </summary>
    public static ModelPackage Package(AdaptationContext context, ResNet model, string strategy, IReadOnlyDictionary<string, string> hyperparameters, double? validationAccuracy, IReadOnlyDictionary<string, IReadOnlyList<string>>? extraHeadLabels = null, bool fromBase = true)
    {
        var baseCard = context.Base.Card;
        var baseDigest = baseCard.WeightsDigest.Length > 0 ? baseCard.WeightsDigest : context.Base.Serialize().Card.WeightsDigest;
        var heads = new Dictionary<string, IReadOnlyList<string>>(extraHeadLabels ?? new Dictionary<string, IReadOnlyList<string>>());
        if (HasSourceHead(model)) heads[SourceHeadName] = baseCard.Labels;
        var inv = CultureInfo.InvariantCulture;
        var training = new Dictionary<string, string>(hyperparameters)
        {
            ["strategy"] = strategy,
            ["seed"] = context.Seed.ToString(inv),
            ["budget_steps"] = context.Budget.Steps.ToString(inv),
            ["batch_size"] = context.Budget.BatchSize.ToString(inv),
            ["train_examples"] = context.Data.TrainCount.ToString(inv),
            ["validation_examples"] = (context.Data.HasValidation ? context.Data.ValidationInputs!.size(0) : 0).ToString(inv),
        };
        if (context.Data.Digest is { } digest) training["dataset_digest"] = digest;
        var metrics = new Dictionary<string, double>();
        if (validationAccuracy is { } v) metrics["validation_accuracy"] = Math.Round(v, 4);
        var card = new ModelCard
        {
            Name = context.OutputName ?? $"{baseCard.Name}-{strategy}",
            Architecture = baseCard.Architecture,
            Input = baseCard.Input,
            Labels = context.Data.Labels.ToArray(),
            ExtraHeads = heads,
            HeadHiddenUnits = model.HeadHiddenUnits > 0 ? model.HeadHiddenUnits : null,
            SourceDataset = fromBase ? baseCard.SourceDataset : null,
            SourceDatasetDigest = fromBase ? baseCard.SourceDatasetDigest : null,
            SourceLabels = HasSourceHead(model) ? baseCard.Labels : null,
            SourceTestAccuracy = fromBase ? baseCard.SourceTestAccuracy : null,
            // A registry base's card carries its version: lineage names the exact version adapted from.
            BaseModel = fromBase ? new BaseModelReference(baseCard.Name, baseCard.Version > 0 ? baseCard.Version : null, baseDigest, baseCard.License) : null,
            Training = training,
            Metrics = metrics,
            License = fromBase ? baseCard.License : "MIT",
            Provenance = fromBase
                ? $"Adapted from '{baseCard.Name}'{(baseCard.Version > 0 ? $" v{baseCard.Version}" : "")} (weights {baseDigest}) by strategy '{strategy}' on {context.Data.TrainCount} labeled target examples."
                : $"Trained from random initialization ('{strategy}') on {context.Data.TrainCount} labeled target examples, as the baseline for adapting '{baseCard.Name}'.",
            CreatedAt = DateTimeOffset.UtcNow,
            CodeVersion = CodeVersion.Current,
        };
        return new ModelPackage(card, model);
    }

    /// <summary>Normalized value of a black pixel (the padding of shift augmentation).</summary>
    public static double BlackLevel(InputSpec spec) => -spec.Mean[0] / spec.Std[0];

    /// <summary>Flip + shift augmentation of a batch of model inputs (<see cref="Preprocessing.Augment"/>).</summary>
    public static Tensor Augment(Tensor inputs, InputSpec spec, int maxShift) => Preprocessing.Augment(inputs, maxShift, BlackLevel(spec));
}
