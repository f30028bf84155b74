using TransferFunctions.Learning.Data;

namespace TransferFunctions.Pipeline.Tests.Pipeline;

/// <summary>
/// Real target-domain batches for pipeline tests: Fashion-MNIST classes 5–9 exported as PNG image
/// folders, disjoint between batches. Exported once per test class into a cache folder, then copied
/// into each test's store as a user would drop files.
/// </summary>
public sealed class TargetBatches : IAsyncLifetime, IDisposable
{
    public static readonly int[] TargetClasses = { 5, 6, 7, 8, 9 };
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tf-batches-" + Guid.NewGuid().ToString("N"));
    private DatasetDescription? _train;

    public async Task InitializeAsync() => _train = await FashionMnist.LoadAsync(train: true);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Writes <paramref name="perClass"/> images of each target class, starting at the <paramref name="offset"/>-th of each class, into {store}/datasets/{project}/{batch}/ and marks it ready.</summary>
    public async Task DeliverAsync(string storeRoot, string project, string batch, int perClass, int offset = 0)
    {
        var cache = Path.Combine(_root, $"{perClass}-{offset}");
        if (!Directory.Exists(cache))
        {
            var positions = TargetClasses.SelectMany(c => Enumerable.Range(0, _train!.Examples.Count)
                .Where(i => _train.Examples[i].Label == FashionMnist.ClassNames[c]).Skip(offset).Take(perClass));
            await DatasetExporter.ExportAsync(_train!, positions, cache, ExportLayout.ImageFolder);
        }
        var target = Path.Combine(storeRoot, "datasets", project, batch);
        CopyDirectory(cache, target);
        await File.WriteAllTextAsync(Path.Combine(target, "_READY"), "");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
