using System.Security.Cryptography;
using System.Text;
using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Registry;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly FileSystemObjectStore _store;
    private readonly ModelRegistry _registry;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    public ModelRegistryTests()
    {
        _store = new FileSystemObjectStore(_folder.Path);
        _registry = new ModelRegistry(_store);
    }

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Register_assigns_increasing_versions_and_records_digest_size_and_lineage()
    {
        var weights = Encoding.ASCII.GetBytes("fake safetensors bytes");
        var before = DateTimeOffset.UtcNow;

        var first = await _registry.RegisterAsync(Card("fashion"), weights, Ct);
        var second = await _registry.RegisterAsync(Card("fashion"), "other"u8.ToArray(), Ct);
        var stored = await _registry.GetAsync("fashion", 1, Ct);

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(weights)), first.WeightsDigest);
        Assert.Equal(weights.Length, first.WeightsSizeBytes);
        Assert.InRange(first.CreatedAt, before, DateTimeOffset.UtcNow);
        Assert.NotNull(stored);
        Assert.Equal(first.WeightsDigest, stored.WeightsDigest);
        Assert.Equal(first.CreatedAt, stored.CreatedAt);
        Assert.Equal("resnet18/classes=3", stored.Architecture);
        Assert.Equal(["shirt", "shoe", "bag"], stored.Labels);
        Assert.Equal(new BaseModelReference("resnet18-mnist", 4, "sha256:" + new string('a', 64), "MIT"), stored.BaseModel);
        Assert.Equal([0.5], stored.Input.Mean);
        Assert.Equal("0.001", stored.Training["learning_rate"]);
        Assert.Equal(0.9125, stored.Metrics["accuracy"]);
        Assert.Equal(("sha256:dataset", "run-42", "fine-tune", "abc123", "MIT", "Fashion-MNIST, Zalando", "first try"),
            (stored.DatasetDigest, stored.RunId, stored.Strategy, stored.CodeVersion, stored.License, stored.Provenance, stored.Notes));
        Assert.Equal([1, 2], (await _registry.ListVersionsAsync("fashion", Ct)).Select(c => c.Version));
    }

    [Fact]
    public async Task Concurrent_registers_get_distinct_versions_each_with_its_own_weights()
    {
        var cards = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => _registry.RegisterAsync(Card("fashion") with { Notes = $"writer {i}" }, Encoding.ASCII.GetBytes($"weights of writer {i}"), Ct), Ct)));

        Assert.Equal(Enumerable.Range(1, 8), cards.Select(c => c.Version).Order());
        foreach (var card in cards)
        {
            await using var weights = await _registry.OpenWeightsAsync("fashion", card.Version, Ct);
            using var reader = new StreamReader(weights);
            Assert.Equal($"weights of {card.Notes}", await reader.ReadToEndAsync(Ct));
        }
    }

    [Fact]
    public async Task Incomplete_version_is_invisible_and_its_number_is_never_reused()
    {
        // What a registration killed after writing its weights leaves: a claim and weights, no model.json.
        await _store.WriteJsonAsync(ModelKeys.Claim("fashion", 1), new VersionClaim("run-crashed", DateTimeOffset.UtcNow), WriteCondition.CreateOnly, Ct);
        await _store.WriteAsync(ModelKeys.Weights("fashion", 1), "partial"u8.ToArray(), WriteCondition.CreateOnly, Ct);

        var hiddenBefore = (await _registry.ListVersionsAsync("fashion", Ct), await _registry.ListModelsAsync(Ct), await _registry.GetAsync("fashion", 1, Ct));
        var registered = await _registry.RegisterAsync(Card("fashion"), "complete"u8.ToArray(), Ct);

        Assert.Empty(hiddenBefore.Item1);
        Assert.Empty(hiddenBefore.Item2);
        Assert.Null(hiddenBefore.Item3);
        Assert.Equal(2, registered.Version);
        Assert.Equal([2], (await _registry.ListVersionsAsync("fashion", Ct)).Select(c => c.Version));
        Assert.Equal(["fashion"], await _registry.ListModelsAsync(Ct));
        Assert.Equal("partial", Encoding.ASCII.GetString((await _store.ReadAsync(ModelKeys.Weights("fashion", 1), Ct))!.Content.Span));
    }

    [Fact]
    public async Task Open_weights_rejects_weights_that_no_longer_match_the_card()
    {
        var card = await _registry.RegisterAsync(Card("fashion"), "original weights"u8.ToArray(), Ct);
        // Bit rot, or someone replacing the file by hand: same length, different bytes.
        await File.WriteAllTextAsync(_store.GetFullPath(ModelKeys.Weights("fashion", 1)), "Original weights", Ct);

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => _registry.OpenWeightsAsync("fashion", 1, Ct));

        Assert.Equal("fashion", error.ModelName);
        Assert.Equal(1, error.Version);
        Assert.Contains(card.WeightsDigest, error.Expected, StringComparison.Ordinal);
        Assert.Contains("sha256:" + Convert.ToHexStringLower(SHA256.HashData("Original weights"u8)), error.Actual, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ModelVersionNotFoundException>(() => _registry.OpenWeightsAsync("fashion", 2, Ct));
    }

    [Fact]
    public async Task Register_rejects_bad_cards_and_weights_that_contradict_the_stated_digest()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _registry.RegisterAsync(Card("fashion") with { Version = 3 }, "w"u8.ToArray(), Ct));
        var badName = await Assert.ThrowsAsync<ArgumentException>(() => _registry.RegisterAsync(Card("Fashion/../x"), "w"u8.ToArray(), Ct));
        Assert.Contains("Invalid model name 'Fashion/../x'", badName.Message, StringComparison.Ordinal);

        var stated = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("expected"u8));
        var mismatch = await Assert.ThrowsAsync<ModelIntegrityException>(() => _registry.RegisterAsync(Card("fashion") with { WeightsDigest = stated }, "different"u8.ToArray(), Ct));
        var matching = await _registry.RegisterAsync(Card("fashion") with { WeightsDigest = stated }, "expected"u8.ToArray(), Ct);

        Assert.Equal(stated, mismatch.Expected);
        Assert.Equal(2, matching.Version);
        Assert.Equal([2], (await _registry.ListVersionsAsync("fashion", Ct)).Select(c => c.Version));
    }

    [Fact]
    public async Task Champion_moves_by_compare_and_swap_and_keeps_history()
    {
        await RegisterVersionsAsync("fashion", 3);

        var first = await _registry.TryMoveChampionAsync("fashion", 1, ChampionExpectation.NoChampion, "first model", Ct);
        var second = await _registry.TryMoveChampionAsync("fashion", 2, ChampionExpectation.WithETag(first.Current!.ETag), "beats v1 by 2.1 points", Ct);
        var stale = await _registry.TryMoveChampionAsync("fashion", 3, ChampionExpectation.WithETag(first.Current.ETag), "stale view", Ct);
        var wrongVersion = await _registry.TryMoveChampionAsync("fashion", 3, ChampionExpectation.AtVersion(1), "evaluated against v1", Ct);
        var rightVersion = await _registry.TryMoveChampionAsync("fashion", 3, ChampionExpectation.AtVersion(2), "evaluated against v2", Ct);

        Assert.True(first.Moved);
        Assert.True(second.Moved);
        Assert.False(stale.Moved);
        Assert.Equal(2, stale.Current!.Value.Version);
        Assert.False(wrongVersion.Moved);
        Assert.True(rightVersion.Moved);
        var champion = (await _registry.GetChampionAsync("fashion", Ct))!;
        Assert.Equal(3, champion.Value.Version);
        Assert.Equal("evaluated against v2", champion.Value.Reason);
        Assert.Equal([1, 2], champion.Value.History.Select(h => h.Version));
        Assert.Equal("beats v1 by 2.1 points", champion.Value.History[1].Reason);
        await Assert.ThrowsAsync<ModelVersionNotFoundException>(() => _registry.TryMoveChampionAsync("fashion", 9, ChampionExpectation.WithETag(champion.ETag), "no such", Ct));
    }

    [Fact]
    public async Task Two_movers_with_the_same_expected_etag_exactly_one_wins()
    {
        await RegisterVersionsAsync("fashion", 3);
        await _registry.TryMoveChampionAsync("fashion", 1, ChampionExpectation.NoChampion, "first", Ct);

        for (var round = 0; round < 10; round++)
        {
            var current = (await _registry.GetChampionAsync("fashion", Ct))!;
            var expected = ChampionExpectation.WithETag(current.ETag);
            var candidates = new[] { 1, 2, 3 }.Where(v => v != current.Value.Version).ToArray();
            var results = await Task.WhenAll(candidates.Select(v => Task.Run(() => _registry.TryMoveChampionAsync("fashion", v, expected, $"round {round}", Ct), Ct)));

            Assert.Single(results, r => r.Moved);
            var winner = candidates[Array.FindIndex(results, r => r.Moved)];
            var after = (await _registry.GetChampionAsync("fashion", Ct))!;
            Assert.Equal(winner, after.Value.Version);
            Assert.Equal(round + 1, after.Value.History.Count);
            Assert.Equal(winner, results.Single(r => !r.Moved).Current!.Value.Version);
        }
    }

    [Fact]
    public async Task Rollback_returns_to_the_previous_champion_or_to_a_given_version()
    {
        await RegisterVersionsAsync("fashion", 3);
        var moved = await _registry.TryMoveChampionAsync("fashion", 1, ChampionExpectation.NoChampion, "v1", Ct);
        moved = await _registry.TryMoveChampionAsync("fashion", 2, ChampionExpectation.WithETag(moved.Current!.ETag), "v2", Ct);
        await _registry.TryMoveChampionAsync("fashion", 3, ChampionExpectation.WithETag(moved.Current!.ETag), "v3", Ct);

        var toTwo = await _registry.RollbackAsync("fashion", null, "v3 misclassifies sandals", Ct);
        var toOne = await _registry.RollbackAsync("fashion", null, "v2 too", Ct);
        var exhausted = await Assert.ThrowsAsync<TransferFunctions.Pipeline.Api.ConflictException>(() => _registry.RollbackAsync("fashion", null, "again", Ct));
        var toThree = await _registry.RollbackAsync("fashion", 3, "sandals fixed upstream", Ct);

        Assert.Equal(2, toTwo.Current!.Value.Version);
        Assert.Equal("rollback from v3: v3 misclassifies sandals", toTwo.Current.Value.Reason);
        Assert.Equal([1], toTwo.Current.Value.History.Select(h => h.Version));
        Assert.Equal(1, toOne.Current!.Value.Version);
        Assert.Empty(toOne.Current.Value.History);
        Assert.Contains("no previous champion", exhausted.Message, StringComparison.Ordinal);
        Assert.Equal(3, toThree.Current!.Value.Version);
        Assert.Equal([1], toThree.Current.Value.History.Select(h => h.Version));
        await Assert.ThrowsAsync<TransferFunctions.Pipeline.Api.ConflictException>(() => _registry.RollbackAsync("other", null, "none", Ct));
    }

    private async Task RegisterVersionsAsync(string name, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await _registry.RegisterAsync(Card(name), Encoding.ASCII.GetBytes($"weights {i}"), Ct);
        }
    }

    private static ModelCard Card(string name) => new()
    {
        Name = name,
        Architecture = "resnet18/classes=3",
        Labels = ["shirt", "shoe", "bag"],
        Input = new InputSpec(1, 28, 28, [0.5], [0.25]),
        BaseModel = new BaseModelReference("resnet18-mnist", 4, "sha256:" + new string('a', 64), "MIT"),
        DatasetDigest = "sha256:dataset",
        RunId = "run-42",
        Strategy = "fine-tune",
        Training = new Dictionary<string, string> { ["learning_rate"] = "0.001", ["epochs"] = "5" },
        CodeVersion = "abc123",
        Metrics = new Dictionary<string, double> { ["accuracy"] = 0.9125 },
        License = "MIT",
        Provenance = "Fashion-MNIST, Zalando",
        Notes = "first try",
    };
}
