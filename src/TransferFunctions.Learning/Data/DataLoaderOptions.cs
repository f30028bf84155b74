namespace TransferFunctions.Learning.Data;

/// <summary>Settings of <see cref="DataLoader"/>.</summary>
public sealed record DataLoaderOptions
{
    public int BatchSize { get; init; } = 64;

    /// <summary>Shuffle the example order each epoch (deterministically from <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffle order and of every random augmentation parameter.</summary>
    public int Seed { get; init; }

    /// <summary>Batches prepared ahead of the consumer; the producer waits when this many are ready.</summary>
    public int Prefetch { get; init; } = 3;

    /// <summary>Examples decoded and transformed concurrently within a batch.</summary>
    public int MaxParallelism { get; init; } = 2;

    /// <summary>Drop the last batch when it is smaller than <see cref="BatchSize"/>.</summary>
    public bool DropLast { get; init; }

    /// <summary>Convert every image to this many channels (1 or 3) before the transforms; 0 keeps the stored count.</summary>
    public int Channels { get; init; }

    /// <summary>Images with more pixels are refused before decoding.</summary>
    public long MaxPixels { get; init; } = ValidationOptions.DefaultMaxPixels;
}
