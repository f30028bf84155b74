namespace TransferFunctions.Learning.Data;

/// <summary>Turns an assembled managed batch into what the consumer wants (the batch itself, or tensors).</summary>
internal interface IBatchFactory<out TBatch>
{
    TBatch Create(ImageBatch batch);
}

internal sealed class ManagedBatchFactory : IBatchFactory<ImageBatch>
{
    public static ManagedBatchFactory Instance { get; } = new();

    public ImageBatch Create(ImageBatch batch) => batch;
}

internal sealed class TensorBatchFactory : IBatchFactory<TensorBatch>
{
    public static TensorBatchFactory Instance { get; } = new();

    public TensorBatch Create(ImageBatch batch) => new(batch);
}
