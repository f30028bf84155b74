using TransferFunctions.Learning.Strategies;
using TransferFunctions.Learning.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Strategies;

[Collection(FashionCollection.Name)]
public sealed class FeatureCacheTests(FashionFixture fixture)
{
    [Fact]
    public void Second_run_over_the_same_data_computes_no_features()
    {
        using var target = fixture.Target(perClass: 10, validationPerClass: 4);
        using var dir = new TempDirectory();
        var cache = new FileSystemFeatureCache(dir.Path);
        var context = new AdaptationContext { Base = fixture.Base, Data = target.Data, FeatureCache = cache, Budget = new AdaptationBudget { Steps = 30 } };

        using var first = StrategyRegistry.Create("linear-probe").Adapt(context);
        using var second = StrategyRegistry.Create("linear-probe").Adapt(context);

        Assert.Equal(70, first.Report.FeaturesComputed);
        Assert.False(first.Report.FeatureCacheHit);
        Assert.Equal(0, second.Report.FeaturesComputed);
        Assert.True(second.Report.FeatureCacheHit);
        var files = Directory.GetFiles(dir.Path, "*.safetensors", SearchOption.AllDirectories);
        var file = Assert.Single(files);
        Assert.Equal(Models.FeatureExtractor.BackboneDigest(fixture.Base.Model), Path.GetFileName(Path.GetDirectoryName(file)));
        // Same features, same seed: the same head.
        Assert.Equal(first.Report.ValidationAccuracy, second.Report.ValidationAccuracy);
    }

    [Fact]
    public void Fine_tune_reuses_the_features_a_probe_cached()
    {
        using var target = fixture.Target(perClass: 4, validationPerClass: 0);
        using var dir = new TempDirectory();
        var context = new AdaptationContext { Base = fixture.Base, Data = target.Data, FeatureCache = new FileSystemFeatureCache(dir.Path), Budget = new AdaptationBudget { Steps = 4 } };

        using var probe = StrategyRegistry.Create("linear-probe").Adapt(context);
        using var fineTune = new FineTuneStrategy(FineTuneOptions.Default with { HeadWarmupSteps = 5 }).Adapt(context);

        Assert.Equal(20, probe.Report.FeaturesComputed);
        Assert.True(fineTune.Report.FeatureCacheHit);
    }

    [Fact]
    public void Cache_refuses_keys_that_could_leave_its_folder()
    {
        using var dir = new TempDirectory();
        var cache = new FileSystemFeatureCache(dir.Path);
        using var t = torch.zeros(1, 2);
        var e = Assert.Throws<ArgumentException>(() => cache.Store(new FeatureCacheKey("../escape", "abc"), new Dictionary<string, Tensor> { ["train"] = t }));
        Assert.Contains("../escape", e.Message);
    }

    [Fact]
    public void Corrupt_cache_file_is_a_miss_not_an_error()
    {
        using var dir = new TempDirectory();
        var cache = new FileSystemFeatureCache(dir.Path);
        var key = new FeatureCacheKey("abc", "def");
        Directory.CreateDirectory(Path.GetDirectoryName(cache.PathOf(key))!);
        File.WriteAllText(cache.PathOf(key), "not safetensors");

        Assert.Null(cache.TryLoad(key));
    }
}
