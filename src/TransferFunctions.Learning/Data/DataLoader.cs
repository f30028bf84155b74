using System.Threading.Channels;
using TransferFunctions.Learning.Data.Transforms;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// Streams batches of decoded, transformed images. Decoding and augmentation run on background tasks, at most
/// <see cref="DataLoaderOptions.Prefetch"/> batches ahead of the consumer. For a given seed every epoch is
/// reproducible: the order comes from (seed, epoch) and each example's augmentation from (seed, epoch, example).
/// </summary>
public sealed class DataLoader
{
    private readonly DatasetDescription _dataset;
    private readonly ExampleRecord[] _examples;
    private readonly int[] _labels;
    private readonly Dictionary<string, int[]> _extraLabels;
    private readonly IImageTransform? _transform;
    private readonly ExampleImageSource _source;

    /// <param name="dataset">The dataset the examples belong to (root, vocabulary, in-memory pixels).</param>
    /// <param name="examples">The examples to stream, e.g. one split; all of the dataset's when null.</param>
    /// <param name="transform">Applied to each image after channel adaptation; must yield one size for all.</param>
    /// <param name="options">Batch size, seed, prefetch depth...; defaults when null.</param>
    public DataLoader(DatasetDescription dataset, IEnumerable<ExampleRecord>? examples = null, IImageTransform? transform = null, DataLoaderOptions? options = null)
    {
        _dataset = dataset;
        Options = options ?? new DataLoaderOptions();
        if (Options.BatchSize <= 0 || Options.Prefetch <= 0 || Options.MaxParallelism <= 0)
            throw new ArgumentException($"batch size ({Options.BatchSize}), prefetch ({Options.Prefetch}) and parallelism ({Options.MaxParallelism}) must be positive");
        if (Options.Channels is not (0 or 1 or 3))
            throw new ArgumentException($"channels must be 0 (as stored), 1 or 3, not {Options.Channels}");
        if (dataset.Embeddings is not null)
            throw new ArgumentException($"dataset {dataset.SourceFile ?? dataset.Root} holds precomputed embeddings, not images; use its EmbeddingMatrix directly");

        _examples = (examples ?? dataset.Examples).ToArray();
        _labels = _examples.Select(e => dataset.LabelIndex(e.Label)).ToArray();
        _extraLabels = dataset.ExtraLabelVocabularies.ToDictionary(
            kv => kv.Key,
            kv => _examples.Select(e => e.ExtraLabels.TryGetValue(kv.Key, out var v) ? IndexIn(kv.Value, v) : -1).ToArray());
        _transform = Options.Channels == 0
            ? transform
            : new Compose(transform is null ? [new AdaptChannels(Options.Channels)] : [new AdaptChannels(Options.Channels), transform]);
        _source = new ExampleImageSource(dataset, SkiaImageDecoder.Instance, Options.MaxPixels);
    }

    public DataLoaderOptions Options { get; }

    public int ExampleCount => _examples.Length;

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => Options.DropLast ? _examples.Length / Options.BatchSize : (_examples.Length + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The example positions of one epoch, in the order they will be batched.</summary>
    public int[] EpochOrder(int epoch)
    {
        var order = Enumerable.Range(0, _examples.Length).ToArray();
        if (Options.Shuffle)
            new Random(SeedMixer.Mix(Options.Seed, epoch)).Shuffle(order);
        return order;
    }

    /// <summary>Streams one epoch as managed float batches.</summary>
    public IAsyncEnumerable<ImageBatch> ReadEpochAsync(int epoch, CancellationToken cancellationToken = default) =>
        Stream(epoch, ManagedBatchFactory.Instance, cancellationToken);

    /// <summary>Streams one epoch as tensors; dispose each batch when done with it.</summary>
    public IAsyncEnumerable<TensorBatch> ReadEpochTensorsAsync(int epoch, CancellationToken cancellationToken = default) =>
        Stream(epoch, TensorBatchFactory.Instance, cancellationToken);

    private async IAsyncEnumerable<TBatch> Stream<TBatch>(
        int epoch, IBatchFactory<TBatch> factory, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var order = EpochOrder(epoch);
        var channel = Channel.CreateBounded<TBatch>(new BoundedChannelOptions(Options.Prefetch)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(epoch, order, factory, channel.Writer, stop.Token), CancellationToken.None);
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                while (channel.Reader.TryRead(out var batch))
                    yield return batch;
            // A failed producer completes the channel with its exception; surface the original.
            await producer.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch
            {
                // Already surfaced above, or a consequence of stopping early.
            }
            while (channel.Reader.TryRead(out var unread))
                (unread as IDisposable)?.Dispose();
        }
    }

    private async Task ProduceAsync<TBatch>(int epoch, int[] order, IBatchFactory<TBatch> factory, ChannelWriter<TBatch> writer, CancellationToken cancellationToken)
    {
        try
        {
            for (var b = 0; b < BatchCount; b++)
            {
                var positions = order.AsSpan(b * Options.BatchSize, Math.Min(Options.BatchSize, order.Length - b * Options.BatchSize)).ToArray();
                var batch = factory.Create(await AssembleAsync(epoch, b, positions, cancellationToken).ConfigureAwait(false));
                try
                {
                    await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    (batch as IDisposable)?.Dispose();
                    throw;
                }
            }
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
            throw;
        }
    }

    private async Task<ImageBatch> AssembleAsync(int epoch, int batchIndex, int[] positions, CancellationToken cancellationToken)
    {
        var images = new ImageArray[positions.Length];
        await Parallel.ForAsync(0, positions.Length,
            new ParallelOptions { MaxDegreeOfParallelism = Options.MaxParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var position = positions[i];
                var image = await _source.LoadAsync(_examples[position], ct).ConfigureAwait(false);
                if (_transform is not null)
                    image = _transform.Apply(image, new Random(SeedMixer.Mix(Options.Seed, epoch, position)));
                images[i] = image;
            }).ConfigureAwait(false);

        var first = images[0];
        var size = first.Data.Length;
        var pixels = new float[positions.Length * size];
        for (var i = 0; i < images.Length; i++)
        {
            var image = images[i];
            if (image.Channels != first.Channels || image.Height != first.Height || image.Width != first.Width)
                throw new InvalidOperationException(
                    $"{_examples[positions[i]].Location} is {image.Channels}x{image.Height}x{image.Width} (CxHxW) but {_examples[positions[0]].Location} in the same batch is {first.Channels}x{first.Height}x{first.Width}; add a Resize or crop transform (and set Channels) so every image has one size");
            image.Data.CopyTo(pixels, i * size);
        }

        return new ImageBatch
        {
            Epoch = epoch,
            Index = batchIndex,
            Pixels = pixels,
            Count = positions.Length,
            Channels = first.Channels,
            Height = first.Height,
            Width = first.Width,
            Labels = positions.Select(p => _labels[p]).ToArray(),
            ExtraLabels = _extraLabels.ToDictionary(kv => kv.Key, kv => positions.Select(p => kv.Value[p]).ToArray()),
            Examples = positions.Select(p => _examples[p]).ToArray(),
        };
    }

    private static int IndexIn(IReadOnlyList<string> vocabulary, string value)
    {
        for (var i = 0; i < vocabulary.Count; i++)
            if (string.Equals(vocabulary[i], value, StringComparison.Ordinal))
                return i;
        return -1;
    }
}
