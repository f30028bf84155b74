using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Step 1: gathers every ready batch of the project (a batch is ready once its <c>_READY</c> marker
/// exists), reads it (ImageFolder or manifest), validates it, assigns stable content-hash splits,
/// and stores the decoded, model-ready tensors for the later steps. Bad data ends here with specific
/// reasons and nothing else changes. Images under a batch's <c>_unlabeled/</c> folder are unlabeled
/// target-domain examples (for <c>domain-adapt</c>), kept apart from the labeled data.
/// </summary>
public sealed class ValidateStep(IObjectStore store, BaseModelResolver bases, PipelineOptions options)
{
    public const string ReadyMarker = "_READY";

    /// <summary>Folder of a batch holding unlabeled target-domain images; reserved, like the marker, so no class can be named so.</summary>
    public const string UnlabeledFolder = ImageFolderReader.UnlabeledFolder;

    public async Task<ValidatedDataset> RunAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        var run = request.Run;
        using var basePackage = await bases.LoadAsync(run.BaseModel, cancellationToken);
        var spec = basePackage.Manifest.Input;
        var batches = await ReadyBatchesAsync(run.Project, cancellationToken);
        ValidatedDataset Invalid(params string[] errors) =>
            new(false, run.Project, batches, "", Array.Empty<string>(), new Dictionary<string, int>(), errors, Array.Empty<string>(), null, run.BaseModel, basePackage.Manifest.WeightsDigest);

        if (batches.Count == 0) return Invalid($"no ready batch under datasets/{run.Project}/ (a batch is ready when its {ReadyMarker} marker exists)");
        if (run.Batch is { } b && !batches.Contains(b)) return Invalid($"batch '{b}' of project '{run.Project}' is not ready (no {ReadyMarker} marker)");

        var local = Path.Combine(options.WorkDirectory, request.RunId, "data");
        DatasetDescription merged;
        try
        {
            merged = await ReadBatchesAsync(run.Project, batches, local, cancellationToken);
        }
        catch (DatasetFormatException e)
        {
            return Invalid(e.Message);
        }

        var validator = new DatasetValidator(new ValidationOptions { MaxPixels = options.MaxPixels, MinExamplesPerClass = options.MinExamplesPerClass });
        var report = await validator.ValidateAsync(merged, cancellationToken);
        var errors = report.Errors.Select(i => i.Message).ToList();
        var warnings = report.Warnings.Select(i => i.Message).ToList();
        var labels = report.Dataset.Labels;
        if (labels.Count < 2) errors.Add($"a classifier needs at least 2 classes; the data has {labels.Count}");
        var counts = PreparedTensors.Splits.ToDictionary(s => s, s => report.Dataset.Examples.Count(e => SplitName(e.Split) == s));
        if (counts["test"] == 0) errors.Add("the test split is empty: add more examples (splits are assigned by content hash, 10% to test by default)");
        if (errors.Count > 0)
            return new ValidatedDataset(false, run.Project, batches, report.Digest, labels, counts, errors, warnings, null, run.BaseModel, basePackage.Manifest.WeightsDigest);

        Tensor? unlabeled;
        try
        {
            unlabeled = await UnlabeledAsync(local, batches, spec, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return new ValidatedDataset(false, run.Project, batches, report.Digest, labels, counts, [$"unlabeled images of {e.Message}"], warnings, null, run.BaseModel, basePackage.Manifest.WeightsDigest);
        }
        if (unlabeled is not null) counts["unlabeled"] = (int)unlabeled.size(0);

        var key = $"runs/{request.RunId}/prepared/dataset.safetensors";
        using (var tensors = await DecodeAsync(report.Dataset, spec, unlabeled, cancellationToken))
            await store.WriteAsync(key, tensors.Serialize(), WriteCondition.Always, cancellationToken);
        return new ValidatedDataset(true, run.Project, batches, report.Digest, labels, counts, errors, warnings, key, run.BaseModel, basePackage.Manifest.WeightsDigest,
            unlabeled is null ? null : await UnlabeledDigestAsync(local, batches, cancellationToken));
    }

    /// <summary>Batches of the project whose ready marker exists, in ordinal order.</summary>
    public async Task<List<string>> ReadyBatchesAsync(string project, CancellationToken cancellationToken)
    {
        var batches = new List<string>();
        var prefix = $"datasets/{project}/";
        await foreach (var item in store.ListAsync(prefix, cancellationToken))
        {
            var rest = item.Key[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash > 0 && rest[(slash + 1)..] == ReadyMarker) batches.Add(rest[..slash]);
        }
        batches.Sort(StringComparer.Ordinal);
        return batches;
    }

    private async Task<DatasetDescription> ReadBatchesAsync(string project, IReadOnlyList<string> batches, string local, CancellationToken cancellationToken)
    {
        var parts = new List<(string, DatasetDescription)>();
        foreach (var batch in batches)
        {
            var dir = Path.Combine(local, batch);
            await DownloadAsync($"datasets/{project}/{batch}/", dir, UnlabeledDirectory(local, batch), cancellationToken);
            parts.Add((batch, await DatasetReader.ReadAsync(dir, cancellationToken)));
        }
        return DatasetDescription.Merge(local, parts);
    }

    /// <summary>Where a batch's unlabeled images are downloaded: beside, not inside, its labeled data.</summary>
    private static string UnlabeledDirectory(string local, string batch) => Path.Combine(local, UnlabeledFolder, batch);

    /// <summary>Every batch's unlabeled images as one tensor, or null when no batch has any.</summary>
    private static async Task<Tensor?> UnlabeledAsync(string local, IReadOnlyList<string> batches, InputSpec spec, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (var batch in batches)
        {
            var directory = UnlabeledDirectory(local, batch);
            if (!Directory.Exists(directory)) continue;
            try
            {
                parts.Add(await DatasetTensors.FolderImagesAsync(directory, spec, cancellationToken));
            }
            catch (Exception e) when (e is DatasetFormatException or ImageDecodeException or System.Runtime.InteropServices.ExternalException)
            {
                // Name the batch's folder in the store, not this run's local copy.
                var problem = e is DatasetFormatException { File: var file } format && file == directory
                    ? format.Problem
                    : e.Message.Replace(directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
                throw new InvalidDataException($"batch '{batch}', {UnlabeledFolder}/: {problem}", e);
            }
        }
        return parts.Count == 0 ? null : scope.Detach(cat(parts, 0));
    }

    /// <summary>SHA-256 over each unlabeled file's batch-relative path and content, in ordinal order: their identity for lineage.</summary>
    private static async Task<string> UnlabeledDigestAsync(string local, IReadOnlyList<string> batches, CancellationToken cancellationToken)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var batch in batches)
        {
            var directory = UnlabeledDirectory(local, batch);
            if (!Directory.Exists(directory)) continue;
            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = $"{batch}/{UnlabeledFolder}/{Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/')}";
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(relative + "\n"));
                hash.AppendData(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(file, cancellationToken)));
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private async Task DownloadAsync(string prefix, string directory, string unlabeledDirectory, CancellationToken cancellationToken)
    {
        var unlabeledPrefix = UnlabeledFolder + "/";
        await foreach (var item in store.ListAsync(prefix, cancellationToken))
        {
            var relative = item.Key[prefix.Length..];
            if (relative == ReadyMarker) continue;
            var path = relative.StartsWith(unlabeledPrefix, StringComparison.Ordinal)
                ? Path.Combine(unlabeledDirectory, relative[unlabeledPrefix.Length..].Replace('/', Path.DirectorySeparatorChar))
                : Path.Combine(directory, relative.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(path) && new FileInfo(path).Length == item.Size) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var source = await store.OpenReadAsync(item.Key, cancellationToken)
                ?? throw new FileNotFoundException($"{item.Key} disappeared while the batch was being read");
            await using var target = File.Create(path);
            await source.Content.CopyToAsync(target, cancellationToken);
        }
    }

    private static string SplitName(DatasetSplit? split) => split switch
    {
        DatasetSplit.Train => "train",
        DatasetSplit.Validation => "validation",
        DatasetSplit.Test => "test",
        _ => "train",
    };

    private static async Task<PreparedTensors> DecodeAsync(DatasetDescription data, InputSpec spec, Tensor? unlabeled, CancellationToken cancellationToken)
    {
        var tensors = new Dictionary<string, Tensor>();
        if (unlabeled is not null) tensors[PreparedTensors.UnlabeledKey] = unlabeled;
        try
        {
            foreach (var split in PreparedTensors.Splits)
            {
                // Content-hash order: the same data gives the same tensors whatever the file names.
                var items = data.Examples.Where(e => SplitName(e.Split) == split).OrderBy(e => e.ContentHash, StringComparer.Ordinal).ToList();
                tensors[PreparedTensors.InputsKey(split)] = (await DatasetTensors.ImagesAsync(data, items, spec, cancellationToken)).DetachFromDisposeScope();
                tensors[PreparedTensors.TargetsKey(split)] = DatasetTensors.Labels(items, data.Labels).DetachFromDisposeScope();
                foreach (var (column, vocabulary) in data.ExtraLabelVocabularies)
                    tensors[PreparedTensors.TargetsKey(split, column)] = DatasetTensors.ColumnLabels(items, column, vocabulary).DetachFromDisposeScope();
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new PreparedTensors(tensors, data.Labels, data.ExtraLabelVocabularies);
    }
}
