namespace TransferFunctions.Learning.Training;

/// <summary>Produces the mini-batches of one epoch; the order is a function of the seed and epoch only.</summary>
public interface IBatchSource
{
    long Count { get; }

    int BatchSize { get; }

    long BatchesPerEpoch => (Count + BatchSize - 1) / BatchSize;

    /// <summary>Batches of <paramref name="epoch"/>; each batch's tensors are valid until the next one is requested.</summary>
    IEnumerable<Batch> Batches(int epoch, CancellationToken cancellationToken = default);
}
