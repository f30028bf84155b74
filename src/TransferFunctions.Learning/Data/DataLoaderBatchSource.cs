using TransferFunctions.Learning.Training;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// Feeds a <see cref="DataLoader"/> to the training loop: each batch's tensors live until the next batch is
/// requested, while decoding and augmentation keep running ahead on background tasks.
/// </summary>
public sealed class DataLoaderBatchSource(DataLoader loader) : IBatchSource
{
    public long Count => loader.Options.DropLast
        ? (long)loader.ExampleCount / loader.Options.BatchSize * loader.Options.BatchSize
        : loader.ExampleCount;

    public int BatchSize => loader.Options.BatchSize;

    public IEnumerable<Batch> Batches(int epoch, CancellationToken cancellationToken = default)
    {
        // The training loop is synchronous; waiting here blocks only this consumer, never the producers.
        var batches = loader.ReadEpochTensorsAsync(epoch, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (batches.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                using var batch = batches.Current;
                yield return new Batch(batch.Images, batch.Labels);
            }
        }
        finally
        {
            batches.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
