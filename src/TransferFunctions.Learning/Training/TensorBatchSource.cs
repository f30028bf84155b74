using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Training;

/// <summary>
/// Mini-batches over tensors already in memory: contiguous slices when not shuffled (no copy), an
/// index_select over a seeded permutation when shuffled.
/// </summary>
public sealed class TensorBatchSource : IBatchSource
{
    private readonly Tensor _inputs, _targets;

    public TensorBatchSource(Tensor inputs, Tensor targets, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false)
    {
        if (inputs.size(0) != targets.size(0)) throw new ArgumentException($"inputs have {inputs.size(0)} rows but targets {targets.size(0)}");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "batch size must be positive");
        _inputs = inputs;
        _targets = targets;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
    }

    public long Count => DropLast ? _inputs.size(0) / BatchSize * BatchSize : _inputs.size(0);
    public int BatchSize { get; }
    public bool Shuffle { get; }
    public int Seed { get; }
    public bool DropLast { get; }

    public IEnumerable<Batch> Batches(int epoch, CancellationToken cancellationToken = default)
    {
        var n = _inputs.size(0);
        long[]? order = Shuffle ? Permutation(n, Seed, epoch) : null;
        for (long start = 0; start < n; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var end = Math.Min(n, start + BatchSize);
            if (DropLast && end - start < BatchSize) yield break;
            Tensor x, y;
            if (order is null)
            {
                x = _inputs.slice(0, start, end, 1).DetachFromDisposeScope();
                y = _targets.slice(0, start, end, 1).DetachFromDisposeScope();
            }
            else
            {
                using var idx = tensor(order.AsSpan((int)start, (int)(end - start)).ToArray(), device: _inputs.device).DetachFromDisposeScope();
                // TorchSharp's Device has no value equality, and to() returns a new tensor even for the same device:
                // compare type and index, and dispose the copy (it was once left to the finalizer, one per batch).
                var sameDevice = _inputs.device_type == _targets.device_type && _inputs.device_index == _targets.device_index;
                using var targetIdx = sameDevice ? null : idx.to(_targets.device).DetachFromDisposeScope();
                x = _inputs.index_select(0, idx).DetachFromDisposeScope();
                y = _targets.index_select(0, targetIdx ?? idx).DetachFromDisposeScope();
            }
            try
            {
                yield return new Batch(x, y);
            }
            finally
            {
                x.Dispose();
                y.Dispose();
            }
        }
    }

    /// <summary>A permutation that depends only on (seed, epoch), so runs are reproducible whatever else used the RNG.</summary>
    internal static long[] Permutation(long n, int seed, int epoch)
    {
        var rng = new Random(Data.SeedMixer.Mix(seed, epoch));
        var order = new long[n];
        for (long i = 0; i < n; i++) order[i] = i;
        rng.Shuffle(order);
        return order;
    }
}
