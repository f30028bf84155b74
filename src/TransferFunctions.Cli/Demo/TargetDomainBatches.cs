using TransferFunctions.Learning.Data;

namespace TransferFunctions.Cli.Demo;

/// <summary>
/// Labeled batches of the demo's target domain — Fashion-MNIST classes 5–9 (Sandal, Shirt, Sneaker,
/// Bag, Ankle boot) — written as PNG image folders into a store's arrival area, the way a user's
/// upload would land, with the <c>_READY</c> marker last.
/// </summary>
public sealed class TargetDomainBatches
{
    public static readonly int[] TargetClasses = { 5, 6, 7, 8, 9 };
    private readonly DatasetDescription _source;
    private readonly Dictionary<string, List<int>> _byClass;

    private TargetDomainBatches(DatasetDescription source)
    {
        _source = source;
        _byClass = TargetClasses.Select(c => FashionMnist.ClassNames[c]).ToDictionary(
            name => name,
            name => Enumerable.Range(0, source.Examples.Count).Where(i => source.Examples[i].Label == name).ToList());
    }

    public static async Task<TargetDomainBatches> LoadAsync(CancellationToken cancellationToken) =>
        new(await FashionMnist.LoadAsync(train: true, cancellationToken: cancellationToken));

    /// <summary>Writes images <c>offset..offset+perClass</c> of each target class to <c>{storeRoot}/datasets/{project}/{batch}/</c>.</summary>
    public async Task DeliverAsync(string storeRoot, string project, string batch, int perClass, int offset, CancellationToken cancellationToken)
    {
        var positions = _byClass.Values.SelectMany(list => list.Skip(offset).Take(perClass)).ToList();
        var target = Path.Combine(storeRoot, "datasets", project, batch);
        await DatasetExporter.ExportAsync(_source, positions, target, ExportLayout.ImageFolder, writeReadyMarker: true, cancellationToken);
    }
}
