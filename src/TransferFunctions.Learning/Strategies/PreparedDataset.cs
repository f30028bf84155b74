using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// A validated dataset turned into tensors for a base model: the <see cref="TargetData"/> strategies train on (train and
/// validation splits, extra label columns) and the test split for evaluation. Owns every tensor.
/// </summary>
public sealed class PreparedDataset : IDisposable
{
    private readonly List<Tensor> _owned;

    private PreparedDataset(TargetData target, Tensor testInputs, Tensor testLabels, List<Tensor> owned)
    {
        Target = target;
        TestInputs = testInputs;
        TestLabels = testLabels;
        _owned = owned;
    }

    public TargetData Target { get; }
    public Tensor TestInputs { get; }
    public Tensor TestLabels { get; }

    /// <summary>
    /// Tensors of a validated dataset's splits (as <see cref="DatasetValidator"/> assigned them), preprocessed for
    /// <paramref name="spec"/>. The report's digest identifies the data in the feature cache.
    /// </summary>
    public static async Task<PreparedDataset> FromValidationAsync(ValidationReport report, InputSpec spec, Tensor? unlabeled = null, SourceReplay? replay = null, CancellationToken cancellationToken = default)
    {
        var dataset = report.Dataset;
        var readable = dataset.Examples.Where(e => e.ContentHash is not null && e.Split is not null).ToList();
        IReadOnlyList<ExampleRecord> Of(DatasetSplit split) => readable.Where(e => e.Split == split).ToList();
        var train = Of(DatasetSplit.Train);
        var validation = Of(DatasetSplit.Validation);
        var test = Of(DatasetSplit.Test);
        var owned = new List<Tensor>();
        T Own<T>(T t) where T : Tensor
        {
            owned.Add(t.DetachFromDisposeScope());
            return t;
        }
        try
        {
            var trainX = Own(await DatasetTensors.ImagesAsync(dataset, train, spec, cancellationToken).ConfigureAwait(false));
            var trainY = Own(DatasetTensors.Labels(train, dataset.Labels));
            Tensor? valX = null, valY = null;
            if (validation.Count > 0)
            {
                valX = Own(await DatasetTensors.ImagesAsync(dataset, validation, spec, cancellationToken).ConfigureAwait(false));
                valY = Own(DatasetTensors.Labels(validation, dataset.Labels));
            }
            var testX = Own(await DatasetTensors.ImagesAsync(dataset, test, spec, cancellationToken).ConfigureAwait(false));
            var testY = Own(DatasetTensors.Labels(test, dataset.Labels));
            var columns = dataset.ExtraLabelVocabularies.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new LabelColumn(
                kv.Key, kv.Value,
                Own(DatasetTensors.ColumnLabels(train, kv.Key, kv.Value)),
                validation.Count > 0 ? Own(DatasetTensors.ColumnLabels(validation, kv.Key, kv.Value)) : null)).ToList();
            var target = new TargetData
            {
                TrainInputs = trainX,
                TrainLabels = trainY,
                ValidationInputs = valX,
                ValidationLabels = valY,
                Labels = dataset.Labels,
                ExtraLabelColumns = columns,
                UnlabeledInputs = unlabeled,
                SourceReplay = replay,
                Digest = report.Digest,
            };
            return new PreparedDataset(target, testX, testY, owned);
        }
        catch
        {
            foreach (var t in owned) t.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var t in _owned) t.Dispose();
    }
}
