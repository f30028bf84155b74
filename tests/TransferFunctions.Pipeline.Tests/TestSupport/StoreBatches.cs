using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Tests.TestSupport;

/// <summary>Batches for <see cref="SmallAdaptOrchestrator"/> (its accuracy grows with the file count), and polling.</summary>
public static class StoreBatches
{
    /// <summary>Writes <paramref name="files"/> data files into a batch, then (when asked) its <c>_READY</c> marker.</summary>
    public static async Task WriteBatchAsync(IObjectStore store, string project, string batch, int files, bool ready = true)
    {
        for (var i = 0; i < files; i++)
        {
            await store.WriteAsync($"{ArrivalKeys.DatasetsRoot}{project}/{batch}/item-{i:D3}.txt", "label,pixels\n"u8.ToArray());
        }

        if (ready)
        {
            await store.WriteAsync(ArrivalKeys.Marker(project, batch), ReadOnlyMemory<byte>.Empty);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(25);
        }
    }
}
