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
        // One chunk: the features of the 70 examples, with their content hashes beside them.
        var file = Assert.Single(Directory.GetFiles(dir.Path, "*.safetensors", SearchOption.AllDirectories));
        var examples = Assert.Single(Directory.GetFiles(dir.Path, "*.examples", SearchOption.AllDirectories));
        Assert.Equal(70, File.ReadAllLines(examples).Length);
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
    public void A_new_batch_computes_features_only_for_its_new_examples()
    {
        using var dir = new TempDirectory();
        var cache = new FileSystemFeatureCache(dir.Path);
        var classes = FashionFixture.TargetClasses;
        var first = FashionFixture.Sample(fixture.Train, classes, perClass: 6, seed: 1);
        var added = FashionFixture.Sample(fixture.Train, classes, perClass: 4, seed: 1, skip: 6);
        // The second batch's data is the first batch's examples (in another order) plus its own.
        var second = added.Concat(first.Reverse()).ToArray();
        using var firstX = fixture.Inputs(fixture.Train, first);
        using var firstY = FashionFixture.Labels(fixture.Train, first, classes);
        using var secondX = fixture.Inputs(fixture.Train, second);
        using var secondY = FashionFixture.Labels(fixture.Train, second, classes);
        TargetData Data(Tensor x, Tensor y) => new() { TrainInputs = x, TrainLabels = y, Labels = fixture.TargetLabels };

        using var before = FrozenFeatures.Get(fixture.Base.Model, Data(firstX, firstY), cache);
        using var after = FrozenFeatures.Get(fixture.Base.Model, Data(secondX, secondY), cache);
        using var direct = Models.FeatureExtractor.Extract(fixture.Base.Model, secondX);

        Assert.Equal((first.Length, 0), (before.ExamplesComputed, before.ExamplesCached));
        Assert.Equal((added.Length, first.Length), (after.ExamplesComputed, after.ExamplesCached));
        Assert.False(after.CacheHit);
        // Cached and computed rows are the features of exactly those examples, in the data's order.
        Assert.True(after.Train.allclose(direct, rtol: 1e-4, atol: 1e-5), "per-example features differ from a direct extraction");
        Assert.Equal(2, Directory.GetFiles(dir.Path, "*.examples", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Cache_refuses_keys_that_could_leave_its_folder()
    {
        using var dir = new TempDirectory();
        var cache = new FileSystemFeatureCache(dir.Path);
        using var t = torch.zeros(1, 2);
        var e = Assert.Throws<ArgumentException>(() => cache.Store("../escape", FeatureChunk.Of([new string('a', 64)]), t));
        Assert.Contains("../escape", e.Message);
    }

    [Fact]
    public void A_corrupt_chunk_is_a_miss_and_its_examples_are_recomputed()
    {
        using var dir = new TempDirectory();
        var cache = new FileSystemFeatureCache(dir.Path);
        var positions = FashionFixture.Sample(fixture.Train, FashionFixture.TargetClasses, perClass: 2, seed: 3);
        using var x = fixture.Inputs(fixture.Train, positions);
        using var y = FashionFixture.Labels(fixture.Train, positions, FashionFixture.TargetClasses);
        var data = new TargetData { TrainInputs = x, TrainLabels = y, Labels = fixture.TargetLabels };
        using (FrozenFeatures.Get(fixture.Base.Model, data, cache)) { }
        File.WriteAllText(Assert.Single(Directory.GetFiles(dir.Path, "*.safetensors", SearchOption.AllDirectories)), "not safetensors");

        using var again = FrozenFeatures.Get(fixture.Base.Model, data, cache);

        Assert.Equal(positions.Length, again.ExamplesComputed);
    }
}
