using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Step 1: gathers every ready batch of the project (a batch is ready once its <c>_READY</c> marker
/// exists), reads it (ImageFolder or manifest), validates it, assigns stable content-hash splits,
/// and stores the decoded, model-ready tensors for the later steps. Bad data ends here with specific
/// reasons and nothing else changes. Images under a batch's <c>_unlabeled/</c> folder are unlabeled
/// target-domain examples (for <c>domain-adapt</c>), kept apart from the labeled data. The first promoted model fixes
/// the project's label set: a later batch with labels the champion does not know is refused, naming them, unless the
/// policy allows new classes. The local copy of the batches is deleted when the step ends.
/// </summary>
public sealed class ValidateStep(IObjectStore store, BaseModelResolver bases, PipelineOptions options, ModelRegistry? registry = null)
{
    /// <summary>The marker written last into a batch (one definition: the dataset reader's, shared with the arrival trigger).</summary>
    public const string ReadyMarker = ImageFolderReader.ReadyMarker;

    /// <summary>Folder of a batch holding unlabeled target-domain images; reserved, like the marker, so no class can be named so.</summary>
    public const string UnlabeledFolder = ImageFolderReader.UnlabeledFolder;

    public async Task<ValidatedDataset> RunAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        var local = Path.Combine(options.WorkDirectory, request.RunId, "data");
        try
        {
            return await ValidateAsync(request, local, cancellationToken);
        }
        finally
        {
            // The tensors in the store are what later steps read; the local copy of the batches is only this step's.
            DeleteQuietly(Path.Combine(options.WorkDirectory, request.RunId));
        }
    }

    private async Task<ValidatedDataset> ValidateAsync(ValidateRequest request, string local, CancellationToken cancellationToken)
    {
        var run = request.Run;
        var (basePackage, pinnedBase) = await bases.ResolveAsync(run.BaseModel, cancellationToken);
        using var _ = basePackage;
        var spec = basePackage.Card.Input;
        var batches = await ReadyBatchesAsync(run.Project, cancellationToken);
        var prefix = $"datasets/{run.Project}/";
        ValidatedDataset Invalid(IReadOnlyList<DataIssue> issues, string digest = "", IReadOnlyList<string>? labels = null, IReadOnlyDictionary<string, int>? counts = null, IReadOnlyList<DataIssue>? warnings = null) =>
            new(false, run.Project, batches, digest, labels ?? [], counts ?? new Dictionary<string, int>(), issues.Select(Text).ToList(), (warnings ?? []).Select(Text).ToList(),
                null, pinnedBase, basePackage.Card.WeightsDigest, null, issues, warnings ?? []);

        if (run.Batch is { } excludedBatch && (await BatchExclusion.ListAsync(store, run.Project, cancellationToken)).Contains(excludedBatch))
            return Invalid([new DataIssue("batch-excluded", $"{prefix}{excludedBatch}/", $"batch '{excludedBatch}' of project '{run.Project}' is excluded ({BatchExclusion.KeyOf(run.Project, excludedBatch)}); delete that record to include it again")]);
        if (batches.Count == 0) return Invalid([new DataIssue("no-ready-batch", null, $"no ready batch under datasets/{run.Project}/ (a batch is ready when its {ReadyMarker} marker exists)")]);
        if (run.Batch is { } b && !batches.Contains(b)) return Invalid([new DataIssue("batch-not-ready", $"{prefix}{b}/", $"batch '{b}' of project '{run.Project}' is not ready (no {ReadyMarker} marker)")]);
        if (DiskProblems(run.Project, batches) is { Count: > 0 } diskProblems) return Invalid(diskProblems);

        DatasetDescription merged;
        try
        {
            merged = await ReadBatchesAsync(run.Project, batches, local, cancellationToken);
        }
        catch (DatasetFormatException e)
        {
            return Invalid([new DataIssue("malformed-dataset", StoreKey(local, prefix, e.File), Relative(local, prefix, e.Line is { } line ? $"line {line}: {e.Problem}" : e.Problem))]);
        }

        var validator = new DatasetValidator(new ValidationOptions { MaxPixels = options.MaxPixels, MinExamplesPerClass = options.MinExamplesPerClass });
        var report = await validator.ValidateAsync(merged, cancellationToken);
        var errors = report.Errors.Select(i => new DataIssue(i.Code, StoreKey(local, prefix, i.Path), Relative(local, prefix, i.Message))).ToList();
        var warnings = report.Warnings.Select(i => new DataIssue(i.Code, StoreKey(local, prefix, i.Path), Relative(local, prefix, i.Message))).ToList();
        var labels = report.Dataset.Labels;
        if (labels.Count < 2) errors.Add(new DataIssue("too-few-classes", null, $"a classifier needs at least 2 classes; the data has {labels.Count}"));
        var counts = PreparedTensors.Splits.ToDictionary(s => s, s => report.Dataset.Examples.Count(e => SplitName(e.Split) == s));
        if (counts["test"] == 0) errors.Add(new DataIssue("empty-test-split", null, "the test split is empty: add more examples (splits are assigned by content hash, 10% to test by default)"));
        foreach (var label in labels)
        {
            var test = report.Dataset.Examples.Count(e => e.Label == label && e.Split == DatasetSplit.Test);
            if (test < options.MinTestExamplesPerClass)
                warnings.Add(new DataIssue("tiny-test-split", null, $"class '{label}' has {test} test example(s) (fewer than {options.MinTestExamplesPerClass}): its recall and the accuracies move by whole points per image; the gate refuses to promote on so small a test set"));
        }
        if (await UnknownLabelsAsync(run, labels, cancellationToken) is { } unknown) errors.Add(unknown);
        if (errors.Count > 0) return Invalid(errors, report.Digest, labels, counts, warnings);

        // auto with candidate bases: the one whose features explain these labels best (LogME) is the run's base.
        var ranking = run.CandidateBases is { Count: > 1 } candidates ? await RankBasesAsync(candidates, report.Dataset, cancellationToken) : null;
        using var chosen = ranking is null ? null : await bases.LoadAsync(ranking[0].Reference, cancellationToken);
        if (chosen is not null) (spec, pinnedBase) = (chosen.Card.Input, ranking![0].Reference);
        var baseDigest = (chosen ?? basePackage).Card.WeightsDigest;

        Tensor? unlabeled;
        try
        {
            unlabeled = await UnlabeledAsync(local, batches, spec, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return Invalid([new DataIssue("bad-unlabeled-image", null, $"unlabeled images of {e.Message}")], report.Digest, labels, counts, warnings);
        }
        if (unlabeled is not null) counts["unlabeled"] = (int)unlabeled.size(0);

        var key = $"runs/{request.RunId}/prepared/dataset.safetensors";
        using (var tensors = await DecodeAsync(report.Dataset, spec, unlabeled, await ChampionSpecAsync(run.Project, spec, cancellationToken), cancellationToken))
            await store.WriteAsync(key, tensors.Serialize(), WriteCondition.Always, cancellationToken);
        return new ValidatedDataset(true, run.Project, batches, report.Digest, labels, counts, [], warnings.Select(Text).ToList(), key, pinnedBase, baseDigest,
            unlabeled is null ? null : await UnlabeledDigestAsync(local, batches, cancellationToken), [], warnings, ranking);
    }

    /// <summary>
    /// Each candidate base (pinned: a registry model as <c>name:vN</c>) scored by LogME on the first
    /// <see cref="TransferFunctions.Learning.Analysis.TransferAnalysis.DefaultMaxExamples"/> training examples in content-hash
    /// order (a spread over the classes that does not depend on file names), each decoded at the candidate's input size.
    /// </summary>
    private async Task<IReadOnlyList<TransferFunctions.Learning.Analysis.BaseCandidateScore>> RankBasesAsync(IReadOnlyList<string> candidates, DatasetDescription data, CancellationToken cancellationToken)
    {
        var items = data.Examples.Where(e => e.Split == DatasetSplit.Train).OrderBy(e => e.ContentHash, StringComparer.Ordinal)
            .Take(TransferFunctions.Learning.Analysis.TransferAnalysis.DefaultMaxExamples).ToList();
        var loaded = new List<(string, ModelPackage)>();
        try
        {
            foreach (var candidate in candidates)
            {
                var (package, pinned) = await bases.ResolveAsync(candidate, cancellationToken);
                loaded.Add((pinned, package));
            }
            var images = new Dictionary<InputSpec, Tensor>();
            foreach (var (_, package) in loaded)
                if (!images.ContainsKey(package.Card.Input))
                    images[package.Card.Input] = (await DatasetTensors.ImagesAsync(data, items, package.Card.Input, cancellationToken)).DetachFromDisposeScope();
            using var labels = DatasetTensors.Labels(items, data.Labels);
            try
            {
                return TransferFunctions.Learning.Analysis.BaseRanking.Rank(loaded, spec => images[spec], labels, data.Labels.Count, items.Count, cancellationToken);
            }
            finally
            {
                foreach (var t in images.Values) t.Dispose();
            }
        }
        finally
        {
            foreach (var (_, package) in loaded) package.Dispose();
        }
    }

    /// <summary>The champion's input spec when it differs from <paramref name="spec"/> (the run's base), else null.</summary>
    private async Task<InputSpec?> ChampionSpecAsync(string project, InputSpec spec, CancellationToken cancellationToken)
    {
        if (registry is null || await registry.GetChampionAsync(project, cancellationToken) is not { } champion) return null;
        var input = (await registry.GetAsync(project, champion.Value.Version, cancellationToken))?.Input;
        return input is null || SameSpec(input, spec) ? null : input;
    }

    private static bool SameSpec(InputSpec a, InputSpec b) =>
        (a.Channels, a.Height, a.Width) == (b.Channels, b.Height, b.Width) && a.Mean.SequenceEqual(b.Mean) && a.Std.SequenceEqual(b.Std);

    /// <summary>The champion's labels are the project's: labels beyond them are refused unless the policy allows new classes.</summary>
    private async Task<DataIssue?> UnknownLabelsAsync(RunInput run, IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        if (registry is null || run.Policy.AllowNewClasses) return null;
        var champion = await registry.GetChampionAsync(run.Project, cancellationToken);
        if (champion is null) return null;
        var card = await registry.GetAsync(run.Project, champion.Value.Version, cancellationToken);
        if (card is null) return null;
        var unknown = labels.Except(card.Labels, StringComparer.Ordinal).ToList();
        return unknown.Count == 0 ? null : new DataIssue("unknown-label", null,
            $"labels [{string.Join(", ", unknown)}] are not among the project's classes [{string.Join(", ", card.Labels)}] fixed by champion v{champion.Value.Version}; set the policy's allowNewClasses to add classes");
    }

    private static string Text(DataIssue issue) => issue.File is null ? issue.Detail : $"{issue.File}: {issue.Detail}";

    /// <summary>A local path of this step's copy as the store key it came from.</summary>
    private static string? StoreKey(string local, string prefix, string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        var full = Path.GetFullPath(path, local);
        if (!full.StartsWith(local, StringComparison.Ordinal)) return path;
        var relative = Path.GetRelativePath(local, full).Replace(Path.DirectorySeparatorChar, '/');
        if (relative.StartsWith(UnlabeledFolder + "/", StringComparison.Ordinal))
        {
            // Unlabeled images are downloaded to {local}/_unlabeled/{batch}/…; their key is {batch}/_unlabeled/….
            var rest = relative[(UnlabeledFolder.Length + 1)..];
            var slash = rest.IndexOf('/');
            relative = slash < 0 ? rest : $"{rest[..slash]}/{UnlabeledFolder}/{rest[(slash + 1)..]}";
        }
        return relative == "." ? prefix : prefix + relative;
    }

    /// <summary>A message with this step's local copy named as the store keys it came from, never the host's work folder.</summary>
    private static string Relative(string local, string prefix, string message) =>
        message.Replace(local + Path.DirectorySeparatorChar, prefix, StringComparison.Ordinal).Replace(local, prefix.TrimEnd('/'), StringComparison.Ordinal);

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// On a filesystem store, what its object listing hides and the copy below would otherwise follow or drop: a symlink
    /// leaving its batch is refused before any byte behind it is read (as <c>transfer adapt</c> refuses it), and an empty
    /// class folder is refused as an empty class rather than silently dropped.
    /// </summary>
    private List<DataIssue> DiskProblems(string project, IReadOnlyList<string> batches)
    {
        var issues = new List<DataIssue>();
        if (store is not FileSystemObjectStore files) return issues;
        foreach (var batch in batches)
        {
            var folder = $"datasets/{project}/{batch}/";
            var found = files.InspectFolder(folder);
            foreach (var (key, target) in found.EscapingLinks)
            {
                // A target inside the store is named by its key; one outside is the user's own path, quoted as given.
                var storeRoot = files.RootDirectory + Path.DirectorySeparatorChar;
                var shown = target.StartsWith(storeRoot, StringComparison.Ordinal) ? target[storeRoot.Length..].Replace(Path.DirectorySeparatorChar, '/') : target;
                issues.Add(new DataIssue(Learning.Data.ValidationCodes.PathEscape, key,
                    $"path '{key[folder.Length..]}' is a symlink pointing outside the dataset folder {folder} (to {shown})"));
            }
            foreach (var key in found.EmptyFolders)
            {
                var relative = key[folder.Length..].TrimEnd('/');
                // A class is a folder directly under the batch; the reserved unlabeled folder is not one.
                if (relative.Length == 0 || relative.Contains('/') || relative == UnlabeledFolder || relative.StartsWith('.')) continue;
                issues.Add(new DataIssue(Learning.Data.ValidationCodes.EmptyClass, key, $"class '{relative}' has no examples (its folder is empty)"));
            }
        }
        return issues;
    }

    /// <summary>Batches of the project whose ready marker exists and that are not excluded (<see cref="BatchExclusion"/>), in ordinal order.</summary>
    public async Task<List<string>> ReadyBatchesAsync(string project, CancellationToken cancellationToken)
    {
        var batches = new List<string>();
        var excluded = await BatchExclusion.ListAsync(store, project, cancellationToken);
        var prefix = $"datasets/{project}/";
        await foreach (var item in store.ListAsync(prefix, cancellationToken))
        {
            var rest = item.Key[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash > 0 && rest[(slash + 1)..] == ReadyMarker && !excluded.Contains(rest[..slash])) batches.Add(rest[..slash]);
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
            var part = await DatasetReader.ReadAsync(dir, cancellationToken);
            // A batch that adds nothing (a manifest with only its header, say) is a mistake to report, not to train past.
            if (part.Examples.Count == 0 && !Directory.Exists(UnlabeledDirectory(local, batch)))
                throw new DatasetFormatException(dir, null, "the batch holds no examples (no image files, or a manifest with no rows)");
            parts.Add((batch, part));
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

    private static async Task<PreparedTensors> DecodeAsync(DatasetDescription data, InputSpec spec, Tensor? unlabeled, InputSpec? championSpec, CancellationToken cancellationToken)
    {
        var tensors = new Dictionary<string, Tensor>();
        if (unlabeled is not null) tensors[PreparedTensors.UnlabeledKey] = unlabeled;
        try
        {
            if (championSpec is not null)
            {
                var test = data.Examples.Where(e => SplitName(e.Split) == "test").OrderBy(e => e.ContentHash, StringComparer.Ordinal).ToList();
                tensors[PreparedTensors.ChampionTestKey] = (await DatasetTensors.ImagesAsync(data, test, championSpec, cancellationToken)).DetachFromDisposeScope();
            }
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
