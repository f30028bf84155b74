using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using TransferFunctions.Learning.Data;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.Pipeline;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.BadInputs;

/// <summary>
/// The bad-input catalog, one row per case, through the real pipeline (composition root, runner, validate step, store):
/// each bad batch must end its run as <c>invalid-data</c> with the specific code and words, quoting the user's
/// <c>datasets/{project}/{batch}/…</c> keys, and change nothing else (no model version, no champion, the batches' bytes
/// untouched, no local copy left behind). Requests that are wrong in themselves are refused at submission, creating no run.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class BadInputCatalogTests(TargetBatches batches) : IDisposable
{
    private const string Project = "catalog";
    private static CancellationToken Ct => CancellationToken.None;
    private readonly TemporaryFolder _folder = new();
    private readonly TemporaryFolder _outside = new();
    private ServiceProvider? _provider;

    /// <summary>A case: what it does to the store (the good batch b1 is there first unless <see cref="Alone"/>), and what it must answer.</summary>
    public sealed record DataCase(Func<Scene, Task> Arrange, string Code, string Says, string Batch = "b2", bool Alone = false);

    /// <summary>What a case arranges in: the store's folders and a real image from the good batch.</summary>
    public sealed record Scene(string Store, string Outside, byte[] GoodPng)
    {
        public string BatchFolder(string batch) => Path.Combine(Store, "datasets", Project, batch);

        /// <summary>Writes <paramref name="relative"/> in <paramref name="batch"/>.</summary>
        public async Task Put(string batch, string relative, byte[] content)
        {
            var path = Path.Combine(BatchFolder(batch), relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, content);
        }

        public Task Put(string batch, string relative, string text) => Put(batch, relative, Encoding.UTF8.GetBytes(text));

        public Task Ready(string batch) => Put(batch, ValidateStep.ReadyMarker, []);

        /// <summary>Two real classes of five distinct images, so the batch is valid but for what the case adds.</summary>
        public async Task TwoGoodClasses(string batch, string a = "aa", string b = "bb")
        {
            for (var i = 0; i < 5; i++)
            {
                await Put(batch, $"{a}/{i}.png", Variant(GoodPng, i, 0));
                await Put(batch, $"{b}/{i}.png", Variant(GoodPng, i, 1));
            }
        }
    }

    private static readonly Dictionary<string, DataCase> DataCases = new()
    {
        ["truncated-png"] = new(async s => { await s.Put("b2", "Sandal/cut.png", s.GoodPng[..(s.GoodPng.Length / 2)]); await s.Ready("b2"); },
            ValidationCodes.CorruptImage, "datasets/catalog/b2/Sandal/cut.png"),
        ["zero-byte-file"] = new(async s => { await s.Put("b2", "Sandal/empty.png", []); await s.Ready("b2"); },
            ValidationCodes.CorruptImage, "datasets/catalog/b2/Sandal/empty.png: b2/Sandal/empty.png: cannot decode 'b2/Sandal/empty.png': image data is empty"),
        ["text-named-png"] = new(async s => { await s.Put("b2", "Sandal/note.png", "this is not an image"); await s.Ready("b2"); },
            ValidationCodes.CorruptImage, "cannot decode 'b2/Sandal/note.png': not a decodable PNG, JPEG, BMP, GIF or WebP image"),
        ["png-header-50000x50000"] = new(async s => { await s.Put("b2", "Sandal/huge.png", ClaimedSize(s.GoodPng, 50_000, 50_000)); await s.Ready("b2"); },
            ValidationCodes.ImageTooLarge, "50000x50000 = 2500000000 pixels"),
        ["png-header-60000x60000"] = new(async s => { await s.Put("b2", "Sandal/huger.png", ClaimedSize(s.GoodPng, 60_000, 60_000)); await s.Ready("b2"); },
            ValidationCodes.ImageTooLarge, "60000x60000 = 3600000000 pixels"),
        ["png-header-1x100000000"] = new(async s => { await s.Put("b2", "Sandal/strip.png", ClaimedSize(s.GoodPng, 1, 100_000_000)); await s.Ready("b2"); },
            ValidationCodes.ImageTooLarge, "above the limit"),
        ["truncated-gif"] = new(async s => { await s.Put("b2", "Sandal/cut.gif", "GIF89a\x10\x00"u8.ToArray()); await s.Ready("b2"); },
            ValidationCodes.CorruptImage, "Sandal/cut.gif"),
        ["bmp-header-only"] = new(async s => { await s.Put("b2", "Sandal/cut.bmp", "BM\0\0\0\0"u8.ToArray()); await s.Ready("b2"); },
            ValidationCodes.CorruptImage, "Sandal/cut.bmp"),
        ["symlink-to-system-file"] = new(async s =>
            {
                Directory.CreateDirectory(Path.Combine(s.BatchFolder("b2"), "Sandal"));
                File.CreateSymbolicLink(Path.Combine(s.BatchFolder("b2"), "Sandal", "passwd.png"), "/etc/passwd");
                await s.Ready("b2");
            }, ValidationCodes.PathEscape, "path 'Sandal/passwd.png' is a symlink pointing outside the dataset folder datasets/catalog/b2/"),
        ["symlink-to-image-outside"] = new(async s =>
            {
                var outside = Path.Combine(s.Outside, "elsewhere.png");
                await File.WriteAllBytesAsync(outside, Variant(s.GoodPng, 7, 7));
                Directory.CreateDirectory(Path.Combine(s.BatchFolder("b2"), "Sandal"));
                File.CreateSymbolicLink(Path.Combine(s.BatchFolder("b2"), "Sandal", "borrowed.png"), outside);
                await s.Ready("b2");
            }, ValidationCodes.PathEscape, "is a symlink pointing outside the dataset folder datasets/catalog/b2/"),
        ["symlinked-class-folder"] = new(async s =>
            {
                await File.WriteAllBytesAsync(Path.Combine(s.Outside, "x.png"), Variant(s.GoodPng, 8, 8));
                Directory.CreateDirectory(s.BatchFolder("b2"));
                Directory.CreateSymbolicLink(Path.Combine(s.BatchFolder("b2"), "Sandal"), s.Outside);
                await s.Ready("b2");
            }, ValidationCodes.PathEscape, "path 'Sandal' is a symlink pointing outside"),
        ["symlink-into-other-batch"] = new(async s =>
            {
                var b1 = Directory.EnumerateFiles(Path.Combine(s.BatchFolder("b1"), "Sandal")).First();
                Directory.CreateDirectory(Path.Combine(s.BatchFolder("b2"), "Sandal"));
                File.CreateSymbolicLink(Path.Combine(s.BatchFolder("b2"), "Sandal", "again.png"), b1);
                await s.Ready("b2");
            }, ValidationCodes.PathEscape, "pointing outside the dataset folder datasets/catalog/b2/ (to datasets/catalog/b1/Sandal/"),
        ["dangling-symlink"] = new(async s =>
            {
                Directory.CreateDirectory(Path.Combine(s.BatchFolder("b2"), "Sandal"));
                File.CreateSymbolicLink(Path.Combine(s.BatchFolder("b2"), "Sandal", "gone.png"), Path.Combine(s.Outside, "never-there.png"));
                await s.Ready("b2");
            }, ValidationCodes.PathEscape, "path 'Sandal/gone.png' is a symlink"),
        ["empty-class-folder"] = new(async s => { await s.TwoGoodClasses("b2"); Directory.CreateDirectory(Path.Combine(s.BatchFolder("b2"), "Empty")); await s.Ready("b2"); },
            ValidationCodes.EmptyClass, "class 'Empty' has no examples"),
        ["nested-folder-in-class"] = new(async s => { await s.Put("b2", "Sandal/deeper/x.png", s.GoodPng); await s.Ready("b2"); },
            "malformed-dataset", "nested folder inside a class folder"),
        ["non-image-extension"] = new(async s => { await s.Put("b2", "Sandal/notes.txt", "hello"); await s.Ready("b2"); },
            "malformed-dataset", "not an image file"),
        ["stray-file-at-batch-root"] = new(async s => { await s.TwoGoodClasses("b2"); await s.Put("b2", "README", "hi"); await s.Ready("b2"); },
            "malformed-dataset", "unexpected file at the dataset root"),
        ["manifest-dotdot-path"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label\n../../b1/Sandal/x.png,Sandal\nimages/a.png,Sandal\n"); await s.Ready("b2"); },
            "malformed-dataset", "datasets/catalog/b2/manifest.csv: line 2: path '../../b1/Sandal/x.png' escapes the dataset folder datasets/catalog/b2"),
        ["manifest-absolute-path"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label\n/etc/passwd,Sandal\nimages/a.png,Sandal\n"); await s.Ready("b2"); },
            "malformed-dataset", "line 2: path '/etc/passwd' is absolute; paths must be relative to the dataset folder"),
        ["manifest-missing-file"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label\nimages/a.png,Sandal\nimages/ghost.png,Sandal\n"); await s.Ready("b2"); },
            ValidationCodes.MissingFile, "file 'b2/images/ghost.png' does not exist under datasets/catalog"),
        ["manifest-wrong-column-names"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "file,class\nimages/a.png,Sandal\n"); await s.Ready("b2"); },
            "malformed-dataset", "datasets/catalog/b2/manifest.csv"),
        ["manifest-wrong-column-count"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label\nimages/a.png,Sandal,extra,more\n"); await s.Ready("b2"); },
            "malformed-dataset", "line 2"),
        ["manifest-enormous-line"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label\nimages/a.png," + new string('x', 2_000_000) + "\"q\n"); await s.Ready("b2"); },
            "malformed-dataset", "line 2"),
        ["manifest-unterminated-quote"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label\n\"images/a.png,Sandal\n"); await s.Ready("b2"); },
            "malformed-dataset", "unterminated quoted field"),
        ["manifest-empty-label"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label\nimages/a.png,   \n"); await s.Ready("b2"); },
            "malformed-dataset", "empty label for 'images/a.png'"),
        ["manifest-duplicate-path"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label\nimages/a.png,Sandal\nimages/a.png,Sandal\n"); await s.Ready("b2"); },
            "malformed-dataset", "duplicate path 'images/a.png'"),
        ["manifest-unknown-split"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label,split\nimages/a.png,Sandal,holdout\n"); await s.Ready("b2"); },
            "malformed-dataset", "unknown split 'holdout'"),
        ["manifest-header-only"] = new(async s => { await s.Put("b2", "manifest.csv", "path,label\n"); await s.Ready("b2"); },
            "malformed-dataset", "datasets/catalog/b2: the batch holds no examples"),
        ["manifest-nul-in-path"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.csv", "path,label\nimages/a\0.png,Sandal\n"); await s.Ready("b2"); },
            "malformed-dataset", "contains a NUL character"),
        ["jsonl-not-json"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.jsonl", "{\"path\": \"images/a.png\", \"label\": \n"); await s.Ready("b2"); },
            "malformed-dataset", "unparseable JSON"),
        ["jsonl-array-line"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.jsonl", "[\"images/a.png\", \"Sandal\"]\n"); await s.Ready("b2"); },
            "malformed-dataset", "expected a JSON object"),
        ["jsonl-missing-label"] = new(async s => { await s.Put("b2", "images/a.png", Variant(s.GoodPng, 30, 30)); await s.Put("b2", "manifest.jsonl", "{\"path\": \"images/a.png\"}\n"); await s.Ready("b2"); },
            "malformed-dataset", "missing field 'label'"),
        ["same-content-two-labels"] = new(async s => { await s.Put("b2", "Sandal/twin.png", s.GoodPng); await s.Put("b2", "Shirt/twin.png", s.GoodPng); await s.Ready("b2"); },
            ValidationCodes.DuplicateContent, "identical content with conflicting labels"),
        ["single-class"] = new(async s => { for (var i = 0; i < 12; i++) await s.Put("b1", $"only/{i}.png", Variant(s.GoodPng, i, 3)); await s.Ready("b1"); },
            "too-few-classes", "a classifier needs at least 2 classes; the data has 1", Batch: "b1", Alone: true),
        ["class-only-in-test"] = new(async s => { await s.Put("b1", "aa/0.png", Variant(s.GoodPng, 0, 0)); await s.Put("b1", "bb/0.png", Variant(s.GoodPng, 0, 1)); await s.Ready("b1"); },
            ValidationCodes.EmptyClass, "has no readable training examples", Batch: "b1", Alone: true),
        ["batch-not-ready"] = new(async s => await s.TwoGoodClasses("b2"),
            "batch-not-ready", "batch 'b2' of project 'catalog' is not ready (no _READY marker)"),
        ["batch-excluded"] = new(async s =>
            {
                await s.TwoGoodClasses("b2");
                await s.Ready("b2");
                Directory.CreateDirectory(Path.Combine(s.Store, "projects", Project, "excluded"));
                await File.WriteAllTextAsync(Path.Combine(s.Store, "projects", Project, "excluded", "b2.json"), "{\"batch\":\"b2\",\"by\":\"test\",\"at\":\"2026-01-01T00:00:00Z\"}");
            }, "batch-excluded", "batch 'b2' of project 'catalog' is excluded"),
        ["unlabeled-not-an-image"] = new(async s => { await s.TwoGoodClasses("b2"); await s.Put("b2", "_unlabeled/u.png", "nope"); await s.Ready("b2"); },
            "bad-unlabeled-image", "batch 'b2', _unlabeled/"),
    };

    public static TheoryData<string> DataCaseNames => new(DataCases.Keys);

    [Theory]
    [MemberData(nameof(DataCaseNames))]
    public async Task Bad_data_is_refused_specifically_and_changes_nothing(string name)
    {
        var c = DataCases[name];
        var scene = await SceneAsync(c.Alone);
        await c.Arrange(scene);
        var before = Snapshot(Path.Combine(_folder.Path, "datasets"));
        var service = Service();

        var created = await service.SubmitAsync(new AdaptationRequest(Project, c.Batch, "fine-tune", Steps: 5), $"run-{name}", Ct);
        var run = await service.RunAsync(created.InstanceId, Ct);

        Assert.True(run.Status == RunStatus.Completed, $"{run.Status}: {run.Failure?.Message}");
        var result = StoreJson.FromElement<AdaptationResult>(run.Output!.Value, "output")!;
        Assert.Equal("invalid-data", result.Outcome);
        var issues = result.DataIssues ?? [];
        var texts = issues.Select(i => $"[{i.Code}] {(i.File is null ? "" : i.File + ": ")}{i.Detail}").ToList();
        Assert.True(issues.Any(i => i.Code == c.Code && $"{i.File}: {i.Detail}".Contains(c.Says, StringComparison.Ordinal)),
            $"expected [{c.Code}] saying \"{c.Says}\"; got:\n{string.Join("\n", texts)}");
        // The reasons name the user's keys, never this host's work folder or the store's absolute path.
        Assert.All(result.Reasons, r => Assert.DoesNotContain(".tfstore-work", r, StringComparison.Ordinal));
        Assert.All(result.Reasons, r => Assert.DoesNotContain(_folder.Path, r, StringComparison.Ordinal));

        await AssertNothingChangedAsync(before, created.InstanceId);
    }

    /// <summary>Requests wrong in themselves: answered at submission (the API's 400/404), no run created.</summary>
    public sealed record RequestCase(AdaptationRequest Request, Type Error, string Says);

    private static readonly Dictionary<string, RequestCase> RequestCases = new()
    {
        ["batch-does-not-exist"] = new(new(Project, "b9"), typeof(NotFoundException), "Batch 'b9' of project 'catalog' does not exist"),
        ["batch-path-traversal"] = new(new(Project, "../../../etc"), typeof(InvalidRequestException), "Field 'batch' is '../../../etc'"),
        ["batch-dotdot"] = new(new(Project, ".."), typeof(InvalidRequestException), "Field 'batch' is '..'"),
        ["batch-backslash"] = new(new(Project, "..\\b1"), typeof(InvalidRequestException), "Field 'batch'"),
        ["project-path-traversal"] = new(new("../catalog", "b1"), typeof(InvalidRequestException), "Field 'project' is invalid"),
        ["project-uppercase-unicode"] = new(new("Katalög", "b1"), typeof(InvalidRequestException), "Field 'project' is invalid"),
        ["base-model-as-path"] = new(new(Project, "b1", BaseModel: "/etc/models/base"), typeof(InvalidRequestException), "paths are not accepted"),
        ["base-model-dir-traversal"] = new(new(Project, "b1", BaseModel: "dir:../secret"), typeof(InvalidRequestException), "not a path"),
        ["unknown-strategy"] = new(new(Project, "b1", "alchemy"), typeof(InvalidRequestException), "Field 'strategy' is 'alchemy'"),
        ["zero-steps"] = new(new(Project, "b1", "fine-tune", Steps: 0), typeof(InvalidRequestException), "Field 'steps' is 0"),
    };

    public static TheoryData<string> RequestCaseNames => new(RequestCases.Keys);

    [Theory]
    [MemberData(nameof(RequestCaseNames))]
    public async Task Bad_requests_are_refused_at_submission(string name)
    {
        var c = RequestCases[name];
        await SceneAsync(alone: false);
        var before = Snapshot(Path.Combine(_folder.Path, "datasets"));
        var service = Service();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => service.SubmitAsync(c.Request, null, Ct));

        Assert.IsType(c.Error, error);
        Assert.Contains(c.Says, error.Message, StringComparison.Ordinal);
        Assert.Empty(await service.ListRunsAsync(Ct).ToListAsync());
        await AssertNothingChangedAsync(before, runId: null);
    }

    /// <summary>Inputs the catalog decides to accept: the validate step passes them, with the warning named where one is due.</summary>
    public sealed record AcceptedCase(Func<Scene, Task> Arrange, string? Warning = null, string? Label = null);

    private static readonly Dictionary<string, AcceptedCase> AcceptedCases = new()
    {
        // Content decides, not the extension: a JPEG named .png is decoded as the JPEG it is.
        ["jpeg-named-png"] = new(async s => { await s.TwoGoodClasses("b2"); await s.Put("b2", "aa/photo.png", Jpeg()); await s.Ready("b2"); }),
        ["manifest-bom-and-crlf"] = new(async s =>
            {
                for (var i = 0; i < 5; i++) { await s.Put("b2", $"images/a{i}.png", Variant(s.GoodPng, i, 4)); await s.Put("b2", $"images/b{i}.png", Variant(s.GoodPng, i, 5)); }
                var rows = string.Concat(Enumerable.Range(0, 5).Select(i => $"images/a{i}.png,aa\r\nimages/b{i}.png,bb\r\n"));
                await s.Put("b2", "manifest.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("path,label\r\n" + rows)]);
                await s.Ready("b2");
            }, Label: "aa"),
        // Labels are trimmed of surrounding whitespace (documented in docs/data.md) and may be any Unicode text.
        ["label-unicode-and-whitespace"] = new(async s =>
            {
                for (var i = 0; i < 5; i++) { await s.Put("b2", $"images/a{i}.png", Variant(s.GoodPng, i, 6)); await s.Put("b2", $"images/b{i}.png", Variant(s.GoodPng, i, 7)); }
                var rows = string.Concat(Enumerable.Range(0, 5).Select(i => $"images/a{i}.png,  Stiefelette ünd 靴  \nimages/b{i}.png,bb\n"));
                await s.Put("b2", "manifest.csv", "path,label\n" + rows);
                await s.Ready("b2");
            }, Label: "Stiefelette ünd 靴"),
        ["class-with-one-example"] = new(async s => { await s.TwoGoodClasses("b2"); await s.Put("b2", "lonely/0.png", Variant(s.GoodPng, 9, 9)); await s.Ready("b2"); },
            Warning: ValidationCodes.TooFewExamples),
        ["same-content-same-label"] = new(async s => { await s.TwoGoodClasses("b2"); await s.Put("b2", "aa/copy.png", Variant(s.GoodPng, 0, 0)); await s.Ready("b2"); },
            Warning: ValidationCodes.DuplicateContent),
        ["hidden-files-ignored"] = new(async s => { await s.TwoGoodClasses("b2"); await s.Put("b2", ".DS_Store", "junk"); await s.Put("b2", "aa/.thumbs", "junk"); await s.Ready("b2"); }),
        ["uppercase-extension"] = new(async s => { await s.TwoGoodClasses("b2"); await s.Put("b2", "aa/LOUD.PNG", Variant(s.GoodPng, 11, 11)); await s.Ready("b2"); }),
        ["symlink-inside-batch"] = new(async s =>
            {
                await s.TwoGoodClasses("b2");
                File.CreateSymbolicLink(Path.Combine(s.BatchFolder("b2"), "aa", "alias.png"), Path.Combine(s.BatchFolder("b2"), "aa", "0.png"));
                await s.Ready("b2");
            }, Warning: ValidationCodes.DuplicateContent),
    };

    public static TheoryData<string> AcceptedCaseNames => new(AcceptedCases.Keys);

    [Theory]
    [MemberData(nameof(AcceptedCaseNames))]
    public async Task Borderline_data_is_accepted_as_documented(string name)
    {
        var c = AcceptedCases[name];
        var scene = await SceneAsync(alone: false);
        await c.Arrange(scene);
        var service = Service();
        var steps = _provider!.GetRequiredService<PipelineSteps>();
        var input = await service.ResolveInputAsync(new AdaptationRequest(Project, "b2", "fine-tune", Steps: 5), Ct);

        var data = await steps.Validate.RunAsync(new ValidateRequest($"accept-{name}", input), Ct);

        Assert.True(data.Valid, string.Join("\n", data.Errors));
        if (c.Warning is { } code) Assert.Contains(data.WarningDetails ?? [], w => w.Code == code);
        if (c.Label is { } label) Assert.Contains(label, data.Labels);
        Assert.All(data.Warnings, w => Assert.DoesNotContain(".tfstore-work", w, StringComparison.Ordinal));
    }

    /// <summary>The catalog's size, so a shrinking catalog fails loudly.</summary>
    [Fact]
    public void Catalog_has_at_least_forty_cases() => Assert.True(DataCases.Count + RequestCases.Count + AcceptedCases.Count >= 40,
        $"{DataCases.Count} data + {RequestCases.Count} request + {AcceptedCases.Count} accepted cases");

    private AdaptationService Service()
    {
        _provider ??= CoreServices.Build(_folder.Path);
        return _provider.GetRequiredService<AdaptationService>();
    }

    private async Task<Scene> SceneAsync(bool alone)
    {
        if (!alone) await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 8);
        var good = alone ? Png(0, 0) : await File.ReadAllBytesAsync(Directory.EnumerateFiles(_folder.Path, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First());
        return new Scene(_folder.Path, _outside.Path, good);
    }

    private async Task AssertNothingChangedAsync(IReadOnlyDictionary<string, string> before, string? runId)
    {
        var registry = _provider!.GetRequiredService<ModelRegistry>();
        Assert.Empty(await registry.ListVersionsAsync(Project, Ct));
        Assert.Null(await registry.GetChampionAsync(Project, Ct));
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "models", Project)), "a model folder appeared");
        Assert.Equal(before, Snapshot(Path.Combine(_folder.Path, "datasets")));
        if (runId is not null)
        {
            Assert.False(Directory.Exists(Path.Combine(_folder.Path, ".tfstore-work", runId)), "the batches' local copy outlived the run");
            Assert.False(File.Exists(Path.Combine(_folder.Path, "runs", runId, "prepared", "dataset.safetensors")), "tensors were prepared from bad data");
        }
    }

    /// <summary>Every entry under <paramref name="root"/>: a file's SHA-256, a link's target (links are not followed).</summary>
    private static Dictionary<string, string> Snapshot(string root)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(DirectoryInfo dir)
        {
            foreach (var e in dir.EnumerateFileSystemInfos())
            {
                var key = Path.GetRelativePath(root, e.FullName);
                if (e.LinkTarget is { } target) entries[key] = "link:" + target;
                else if (e is DirectoryInfo d) { entries[key] = "dir"; Walk(d); }
                else entries[key] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(e.FullName)));
            }
        }
        if (Directory.Exists(root)) Walk(new DirectoryInfo(root));
        return entries;
    }

    /// <summary>A distinct, valid 28×28 PNG per (<paramref name="i"/>, <paramref name="j"/>).</summary>
    private static byte[] Png(int i, int j)
    {
        var pixels = new byte[28 * 28];
        for (var p = 0; p < pixels.Length; p++) pixels[p] = (byte)((p * (i + 3) + j * 37 + (p / 28) * (j + 1)) % 256);
        return ImageCodec.EncodePng(pixels, 28, 28, 1);
    }

    /// <summary>A distinct image per (i, j), so the case's files never collide by content with each other.</summary>
    private static byte[] Variant(byte[] _, int i, int j) => Png(i + 20, j + 20);

    /// <summary>A real PNG's bytes with the IHDR width and height replaced (the CRC is left stale: the header claim is what is tested).</summary>
    private static byte[] ClaimedSize(byte[] png, uint width, uint height)
    {
        var bytes = png.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), height);
        return bytes;
    }

    private static byte[] Jpeg()
    {
        using var bitmap = new SKBitmap(28, 28, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (var y = 0; y < 28; y++)
            for (var x = 0; x < 28; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 9), (byte)(y * 9), 128));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _folder.Dispose();
        _outside.Dispose();
    }
}
