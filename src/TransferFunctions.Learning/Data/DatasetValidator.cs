using System.Security.Cryptography;
using System.Text;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// Checks a dataset before anything trains on it: every file present, inside the dataset folder and decodable;
/// image sizes; labels; duplicates and train/test leakage by content; class sizes. Assigns stable splits and
/// computes the dataset digest on the way.
/// </summary>
public sealed class DatasetValidator(ValidationOptions? options = null)
{
    private readonly IImageDecoder _decoder = SkiaImageDecoder.Instance;

    public ValidationOptions Options { get; } = options ?? new ValidationOptions();

    /// <summary>Validates <paramref name="dataset"/>, reading files with bounded parallelism.</summary>
    public async Task<ValidationReport> ValidateAsync(DatasetDescription dataset, CancellationToken cancellationToken = default)
    {
        var examples = dataset.Examples.ToArray();
        var perExample = new List<ValidationIssue>?[examples.Length];
        var sizes = new (int Width, int Height)?[examples.Length];

        await Parallel.ForAsync(0, examples.Length,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.MaxParallelism), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var issues = new List<ValidationIssue>();
                (examples[i], sizes[i]) = await InspectAsync(dataset, examples[i], issues, ct).ConfigureAwait(false);
                perExample[i] = issues;
            }).ConfigureAwait(false);

        var issues = perExample.SelectMany(list => list!).ToList();
        var splitter = new StableSplitter(Options.SplitRatios);
        for (var i = 0; i < examples.Length; i++)
            if (examples[i].ContentHash is not null)
                examples[i] = examples[i] with { Split = splitter.Assign(examples[i]) };

        CheckLabels(examples, issues);
        CheckDuplicatesAndLeakage(examples, issues);
        var counts = CountClasses(dataset.Labels, examples);
        CheckClassSizes(counts, issues);
        CheckSizeOutliers(examples, sizes, issues);

        return new ValidationReport
        {
            Dataset = dataset with { Examples = examples },
            Counts = counts,
            Issues = issues,
            Digest = Digest(examples),
        };
    }

    /// <summary>
    /// The digest of the examples that have content hashes and splits, independent of file names and order.
    /// </summary>
    public static string Digest(IEnumerable<ExampleRecord> examples)
    {
        var entries = examples
            .Where(e => e.ContentHash is not null && e.Split is not null)
            .Select(e => string.Join('\t',
                e.ContentHash, e.Label, e.Split, e.Domain ?? "",
                string.Join(';', e.ExtraLabels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))))
            .Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', entries))));
    }

    private async Task<(ExampleRecord, (int, int)?)> InspectAsync(
        DatasetDescription dataset, ExampleRecord example, List<ValidationIssue> issues, CancellationToken cancellationToken)
    {
        if (example.Path is not { } relative)
        {
            var hash = ExampleContent.Hash(ExampleContent.InMemoryBytes(dataset, example));
            (int, int)? size = dataset.Images is { } images ? (images.Width, images.Height) : null;
            return (example with { ContentHash = hash }, size);
        }

        if (!DatasetPaths.TryResolve(dataset.Root, relative, out var full, out var problem))
        {
            issues.Add(Error(ValidationCodes.PathEscape, $"{example.Location}: {problem}", relative));
            return (example, null);
        }
        if (!File.Exists(full))
        {
            issues.Add(Error(ValidationCodes.MissingFile, $"{example.Location}: file '{relative}' does not exist under {dataset.Root}", relative));
            return (example, null);
        }

        var bytes = await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
        var hashed = example with { ContentHash = ExampleContent.Hash(bytes) };
        if (dataset.Format is not (DatasetFormat.ImageFolder or DatasetFormat.CsvManifest or DatasetFormat.JsonLinesManifest))
            return (hashed, null);

        try
        {
            var info = _decoder.ReadInfo(bytes);
            if (info.Pixels > Options.MaxPixels)
            {
                issues.Add(Error(ValidationCodes.ImageTooLarge,
                    $"{example.Location}: image is {info.Width}x{info.Height} = {info.Pixels} pixels, above the limit of {Options.MaxPixels}", relative));
                return (hashed, null);
            }
            if (Options.DecodeImages)
                _decoder.Decode(bytes, 0, Options.MaxPixels);
            return (hashed, (info.Width, info.Height));
        }
        catch (ImageDecodeException e)
        {
            issues.Add(Error(ValidationCodes.CorruptImage, $"{example.Location}: cannot decode '{relative}': {e.Message}", relative));
            return (hashed, null);
        }
    }

    private void CheckLabels(ExampleRecord[] examples, List<ValidationIssue> issues)
    {
        if (Options.ExpectedLabels is not { } expected)
            return;
        var known = expected.ToHashSet(StringComparer.Ordinal);
        var knownList = string.Join(", ", expected);
        foreach (var example in examples.Where(e => !known.Contains(e.Label)))
        {
            var where = example.SourceLine is { } line ? $"in line {line}" : $"for '{example.DisplayName}'";
            issues.Add(Error(ValidationCodes.UnknownLabel, $"unknown label '{example.Label}' {where}; known labels: {knownList}", example.DisplayName));
        }
    }

    private static void CheckDuplicatesAndLeakage(ExampleRecord[] examples, List<ValidationIssue> issues)
    {
        foreach (var group in examples.Where(e => e.ContentHash is not null).GroupBy(e => e.ContentHash!, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var copies = group.ToList();
            var names = string.Join(", ", copies.Select(c => c.Location));
            var labels = copies.Select(c => c.Label).Distinct(StringComparer.Ordinal).ToList();
            issues.Add(labels.Count > 1
                ? Error(ValidationCodes.DuplicateContent,
                    $"identical content with conflicting labels ({string.Join(", ", labels.Select(l => $"'{l}'"))}): {names}", copies[0].DisplayName)
                : Warning(ValidationCodes.DuplicateContent, $"identical content appears {copies.Count} times: {names}", copies[0].DisplayName));

            var inTrain = copies.Where(c => c.Split == DatasetSplit.Train).ToList();
            var inTest = copies.Where(c => c.Split == DatasetSplit.Test).ToList();
            if (inTrain.Count > 0 && inTest.Count > 0)
                issues.Add(Error(ValidationCodes.TrainTestLeakage,
                    $"the same content is in train ({string.Join(", ", inTrain.Select(c => c.Location))}) and in test ({string.Join(", ", inTest.Select(c => c.Location))})",
                    inTest[0].DisplayName));
        }
    }

    private static List<ClassSplitCounts> CountClasses(IReadOnlyList<string> vocabulary, ExampleRecord[] examples)
    {
        var labels = vocabulary.Concat(examples.Select(e => e.Label)).Distinct(StringComparer.Ordinal).ToList();
        var perSplit = labels.ToDictionary(l => l, _ => new int[3], StringComparer.Ordinal);
        foreach (var e in examples)
            if (e.ContentHash is not null && e.Split is { } split)
                perSplit[e.Label][(int)split]++;
        return labels.Select(l => new ClassSplitCounts(l,
            perSplit[l][(int)DatasetSplit.Train],
            perSplit[l][(int)DatasetSplit.Validation],
            perSplit[l][(int)DatasetSplit.Test])).ToList();
    }

    private void CheckClassSizes(List<ClassSplitCounts> counts, List<ValidationIssue> issues)
    {
        foreach (var c in counts)
        {
            var breakdown = $"{c.Train} train, {c.Validation} validation, {c.Test} test";
            if (c.Train == 0)
                issues.Add(Error(ValidationCodes.EmptyClass, $"class '{c.Label}' has no readable training examples ({breakdown})"));
            else if (c.Total < Options.MinExamplesPerClass)
                issues.Add(Warning(ValidationCodes.TooFewExamples,
                    $"class '{c.Label}' has {c.Total} examples, fewer than the minimum of {Options.MinExamplesPerClass} ({breakdown})"));
        }
    }

    private void CheckSizeOutliers(ExampleRecord[] examples, (int Width, int Height)?[] sizes, List<ValidationIssue> issues)
    {
        var known = Enumerable.Range(0, examples.Length).Where(i => sizes[i] is not null && examples[i].Path is not null).ToList();
        if (known.Count < 3)
            return;
        var medianWidth = Median(known.Select(i => sizes[i]!.Value.Width));
        var medianHeight = Median(known.Select(i => sizes[i]!.Value.Height));
        var factor = Options.SizeOutlierFactor;
        foreach (var i in known)
        {
            var (width, height) = sizes[i]!.Value;
            if (Far(width, medianWidth) || Far(height, medianHeight))
                issues.Add(Warning(ValidationCodes.SizeOutlier,
                    $"{examples[i].Location}: image is {width}x{height}, far from the median size {medianWidth:0.#}x{medianHeight:0.#} (more than {factor}x larger or smaller)",
                    examples[i].DisplayName));
        }

        bool Far(double value, double median) => value > median * factor || value * factor < median;
    }

    private static double Median(IEnumerable<int> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    private static ValidationIssue Error(string code, string message, string? path = null) => new(IssueSeverity.Error, code, message, path);

    private static ValidationIssue Warning(string code, string message, string? path = null) => new(IssueSeverity.Warning, code, message, path);
}
