namespace TransferFunctions.Learning.Data;

/// <summary>
/// Labeled batches of the demo's target domain — Fashion-MNIST classes 5–9 (Sandal, Shirt, Sneaker,
/// Bag, Ankle boot) — written as PNG files into a store's arrival area, the way a user's upload
/// would land, with the <c>_READY</c> marker last.
/// </summary>
public sealed class FashionMnistTargetBatches
{
    public static readonly int[] TargetClasses = { 5, 6, 7, 8, 9 };
    private readonly DatasetDescription _train, _test;

    private FashionMnistTargetBatches(DatasetDescription train, DatasetDescription test)
    {
        _train = train;
        _test = test;
    }

    public static async Task<FashionMnistTargetBatches> LoadAsync(CancellationToken cancellationToken) =>
        new(await FashionMnist.LoadAsync(train: true, cancellationToken: cancellationToken),
            await FashionMnist.LoadAsync(train: false, cancellationToken: cancellationToken));

    /// <summary>
    /// Writes training images <c>offset..offset+perClass</c> of each target class to
    /// <c>{storeRoot}/datasets/{project}/{batch}/</c>. With <paramref name="holdoutPerClass"/> &gt; 0 the batch
    /// also carries that many official test images per class marked <c>split=test</c> in its manifest: a
    /// held-out set large enough to judge models trained on few labels (user-given splits win over hashing).
    /// <paramref name="extraColumns"/> adds multi-task label columns, each a function of the class name;
    /// <paramref name="unlabeledPerClass"/> adds further training images per class, without labels, under <c>_unlabeled/</c>.
    /// </summary>
    public async Task DeliverAsync(string storeRoot, string project, string batch, int perClass, int offset, CancellationToken cancellationToken, int holdoutPerClass = 0,
        IReadOnlyDictionary<string, Func<string, string>>? extraColumns = null, int unlabeledPerClass = 0)
    {
        var target = Path.Combine(storeRoot, "datasets", project, batch);
        var trainPositions = Positions(_train, perClass, offset);
        if (holdoutPerClass <= 0 && extraColumns is null)
        {
            await DatasetExporter.ExportAsync(_train, trainPositions, target, ExportLayout.ImageFolder, writeReadyMarker: false, cancellationToken);
            // The exporter keeps a folder for every source class; a delivered batch holds only the target classes, as a
            // user's would (an empty class folder is refused as an empty class).
            foreach (var folder in Directory.EnumerateDirectories(target).Where(d => !Directory.EnumerateFileSystemEntries(d).Any()).ToList())
                Directory.Delete(folder);
        }
        else
        {
            var combined = Combine(trainPositions, Positions(_test, Math.Max(0, holdoutPerClass), 0), extraColumns ?? new Dictionary<string, Func<string, string>>());
            await DatasetExporter.ExportAsync(combined, Enumerable.Range(0, combined.Examples.Count), target, ExportLayout.CsvManifest, writeReadyMarker: false, cancellationToken);
        }
        if (unlabeledPerClass > 0)
        {
            // Exported as a manifest layout elsewhere; only its images move in, so no label travels with them.
            var staging = target + ".unlabeled-staging";
            await DatasetExporter.ExportAsync(_train, Positions(_train, unlabeledPerClass, offset + perClass), staging, ExportLayout.CsvManifest, writeReadyMarker: false, cancellationToken);
            Directory.Move(Path.Combine(staging, "images"), Path.Combine(target, ImageFolderReader.UnlabeledFolder));
            Directory.Delete(staging, recursive: true);
        }
        await File.WriteAllTextAsync(Path.Combine(target, ImageFolderReader.ReadyMarker), "", cancellationToken);
    }

    private static List<int> Positions(DatasetDescription data, int perClass, int offset) =>
        TargetClasses.SelectMany(c => Enumerable.Range(0, data.Examples.Count)
            .Where(i => data.Examples[i].Label == FashionMnist.ClassNames[c]).Skip(offset).Take(perClass)).ToList();

    /// <summary>Training examples (split left to hashing) followed by test examples (split=test), pixels in one block.</summary>
    private DatasetDescription Combine(IReadOnlyList<int> train, IReadOnlyList<int> test, IReadOnlyDictionary<string, Func<string, string>> extraColumns)
    {
        var images = _train.Images!;
        var size = images.ImageSize;
        var pixels = new byte[(train.Count + test.Count) * size];
        var examples = new List<ExampleRecord>();
        void Add(DatasetDescription from, int position, DatasetSplit? split)
        {
            var example = from.Examples[position];
            from.Images!.Image(example.Index ?? position).Span.CopyTo(pixels.AsSpan(examples.Count * size, size));
            var extra = extraColumns.ToDictionary(kv => kv.Key, kv => kv.Value(example.Label), StringComparer.Ordinal);
            examples.Add(new ExampleRecord { Index = examples.Count, Label = example.Label, Split = split, ExtraLabels = extra });
        }
        foreach (var p in train) Add(_train, p, null);
        foreach (var p in test) Add(_test, p, DatasetSplit.Test);
        return _train with
        {
            Examples = examples,
            ExtraLabelVocabularies = LabelVocabulary.BuildExtra(extraColumns.Keys, examples),
            Images = new InMemoryImages(pixels, examples.Count, images.Height, images.Width, images.Channels),
        };
    }
}
