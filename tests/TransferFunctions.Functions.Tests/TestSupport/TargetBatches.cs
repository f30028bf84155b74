using TransferFunctions.Learning.Data;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>Fashion-MNIST classes 5–9 as real labeled batches (Debian's dataset-fashion-mnist), loaded once per collection.</summary>
public sealed class TargetBatches : IAsyncLifetime
{
    private FashionMnistTargetBatches? _batches;

    public async Task InitializeAsync() => _batches = await FashionMnistTargetBatches.LoadAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Writes <paramref name="perClass"/> images per class into {store}/datasets/{project}/{batch}/ and marks it ready.</summary>
    public Task DeliverAsync(string storeRoot, string project, string batch, int perClass, int offset = 0) =>
        _batches!.DeliverAsync(storeRoot, project, batch, perClass, offset, CancellationToken.None);
}
