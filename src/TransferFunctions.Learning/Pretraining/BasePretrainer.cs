using TorchSharp.Modules;
using TransferFunctions.Learning.Engine;
using System.Globalization;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Pretraining;

/// <summary>
/// Trains the compact ResNet on the source task (Fashion-MNIST classes 0–4) and packages it with its
/// lineage: source dataset digest, source test accuracy, training configuration, license.
/// </summary>
public static class BasePretrainer
{
    public const string License = "MIT (model weights); trained on Fashion-MNIST, MIT License, Copyright (c) 2017 Zalando SE";

    public static async Task<ModelPackage> RunAsync(PretrainOptions options, IEnumerable<ITrainingCallback> callbacks, CancellationToken cancellationToken = default)
    {
        var train = await FashionMnist.LoadAsync(train: true, options.DataDirectory, cancellationToken);
        var test = await FashionMnist.LoadAsync(train: false, options.DataDirectory, cancellationToken);
        var labels = options.SourceClasses.Select(c => FashionMnist.ClassNames[c]).ToList();
        var spec = InputSpec.FashionMnist;

        var trainIdx = SourceIndices(train, options.SourceClasses, options.Limit);
        var testIdx = SourceIndices(test, options.SourceClasses, 0);
        var digest = DatasetValidator.Digest((await ExampleContent.HashAllAsync(Subset(train, trainIdx), cancellationToken: cancellationToken)).Examples);

        torch.manual_seed((long)options.Seed);
        using var trainX = InMemoryTensors.Images(train, trainIdx, spec);
        using var trainY = InMemoryTensors.Labels(train, trainIdx, options.SourceClasses);
        using var testX = InMemoryTensors.Images(test, testIdx, spec);
        using var testY = InMemoryTensors.Labels(test, testIdx, options.SourceClasses);

        var model = new ResNet(ResNetSpec.Compact(spec.Channels), labels.Count);
        try
        {
            using var optimizer = ParameterGroups.AdamW([ParameterGroups.Group(model.parameters(), options.MaxLearningRate, options.WeightDecay)]);
            var source = new TensorBatchSource(trainX, trainY, options.BatchSize, shuffle: true, seed: options.Seed);
            var padValue = -spec.Mean[0] / spec.Std[0];
            var loop = new TrainingLoop(model, optimizer, new TrainingOptions { Epochs = options.Epochs, Phase = "pretrain" })
            {
                Schedule = new OneCycle(((IBatchSource)source).BatchesPerEpoch * options.Epochs),
                LossFunction = b => nn.functional.cross_entropy(model.forward(Preprocessing.Augment(b.Inputs, 2, padValue)), b.Targets, label_smoothing: 0.05),
            };
            loop.Callbacks.AddRange(callbacks);
            var history = loop.Fit(source, cancellationToken: cancellationToken);
            var (_, accuracy) = loop.Evaluate(new TensorBatchSource(testX, testY, 500), cancellationToken);

            var inv = CultureInfo.InvariantCulture;
            var manifest = new ModelCard
            {
                Name = options.Name,
                Architecture = model.Spec.Name,
                Input = spec,
                Labels = labels,
                SourceLabels = labels,
                SourceDataset = $"fashion-mnist:train:classes={string.Join(',', options.SourceClasses)}",
                SourceDatasetDigest = digest,
                SourceTestAccuracy = Math.Round(accuracy, 4),
                Training = new Dictionary<string, string>
                {
                    ["recipe"] = "AdamW + one-cycle, flip + 2px shift augmentation, label smoothing 0.05",
                    ["epochs"] = options.Epochs.ToString(inv),
                    ["batch_size"] = options.BatchSize.ToString(inv),
                    ["max_learning_rate"] = options.MaxLearningRate.ToString("R", inv),
                    ["weight_decay"] = options.WeightDecay.ToString("R", inv),
                    ["seed"] = options.Seed.ToString(inv),
                    ["train_examples"] = trainIdx.Length.ToString(inv),
                    ["final_train_loss"] = history.Epochs[^1].TrainLoss.ToString("F4", inv),
                },
                Metrics = new Dictionary<string, double> { ["source_test_accuracy"] = Math.Round(accuracy, 4) },
                License = License,
                Provenance = $"Trained by `transfer pretrain` from Debian's dataset-fashion-mnist ({options.DataDirectory}); source test accuracy measured on the {testIdx.Length} official test images of the source classes.",
                CreatedAt = DateTimeOffset.UtcNow,
                CodeVersion = CodeVersion.Current,
            };
            return new ModelPackage(manifest, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    internal static int[] SourceIndices(DatasetDescription data, IReadOnlyList<int> classes, int limit)
    {
        var wanted = classes.Select(c => FashionMnist.ClassNames[c]).ToHashSet();
        var idx = Enumerable.Range(0, data.Examples.Count).Where(i => wanted.Contains(data.Examples[i].Label));
        return (limit > 0 ? idx.Take(limit) : idx).ToArray();
    }

    private static DatasetDescription Subset(DatasetDescription data, int[] indices) =>
        data with { Examples = indices.Select(i => data.Examples[i] with { Split = DatasetSplit.Train }).ToList() };
}
