using System.Globalization;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// Finds the source dataset a base package names (<c>fashion-mnist:{train|test}:classes=0,1,…</c>, as written by
/// <c>transfer pretrain</c>) and loads its examples as <see cref="SourceReplay"/> data, labels in the base's order.
/// </summary>
public static class SourceData
{
    public const string FashionMnistPrefix = "fashion-mnist:";

    /// <summary>
    /// The source examples of <paramref name="manifest"/>'s source dataset, split <paramref name="test"/> (official test
    /// images) or train, at most <paramref name="maxExamples"/> (the first ones in file order; 0 = all). Null, with the
    /// reason, when the package names no source dataset this code knows or its files are not installed.
    /// </summary>
    public static async Task<(SourceReplay? Data, string Reason)> TryLoadAsync(ModelCard manifest, bool test, int maxExamples = 0, string directory = FashionMnist.DefaultDirectory, CancellationToken cancellationToken = default)
    {
        if (manifest.SourceDataset is not { } name || !name.StartsWith(FashionMnistPrefix, StringComparison.Ordinal))
            return (null, $"the base package names no known source dataset ('{manifest.SourceDataset ?? "none"}')");
        var classes = ParseClasses(name);
        if (classes.Count != manifest.Labels.Count || classes.Where((c, i) => FashionMnist.ClassNames[c] != manifest.Labels[i]).Any())
            return (null, $"source dataset '{name}' does not match the base labels [{string.Join(", ", manifest.Labels)}]");
        if (!File.Exists(Path.Combine(directory, test ? "t10k-images-idx3-ubyte.gz" : "train-images-idx3-ubyte.gz")))
            return (null, $"Fashion-MNIST is not installed under {directory} (Debian package dataset-fashion-mnist)");
        var dataset = await FashionMnist.LoadAsync(train: !test, directory, cancellationToken).ConfigureAwait(false);
        var wanted = classes.Select(c => FashionMnist.ClassNames[c]).ToHashSet();
        var positions = Enumerable.Range(0, dataset.Examples.Count).Where(i => wanted.Contains(dataset.Examples[i].Label));
        var selected = (maxExamples > 0 ? positions.Take(maxExamples) : positions).ToArray();
        var inputs = InMemoryTensors.Images(dataset, selected, manifest.Input);
        var labels = InMemoryTensors.Labels(dataset, selected, classes);
        return (new SourceReplay(inputs, labels, manifest.Labels, $"{FashionMnistPrefix}{(test ? "test" : "train")}:classes={string.Join(',', classes)} ({selected.Length} images)"), "");
    }

    private static IReadOnlyList<int> ParseClasses(string name)
    {
        var at = name.IndexOf("classes=", StringComparison.Ordinal);
        if (at < 0) return Enumerable.Range(0, FashionMnist.ClassNames.Count).ToArray();
        return name[(at + "classes=".Length)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }
}
