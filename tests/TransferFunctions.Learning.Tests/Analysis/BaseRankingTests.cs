using TransferFunctions.Learning.Analysis;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Tests.Strategies;
using TorchSharp;

namespace TransferFunctions.Learning.Tests.Analysis;

[Collection(FashionCollection.Name)]
public sealed class BaseRankingTests(FashionFixture fixture)
{
    /// <summary>A package with the base's architecture and input spec but random weights: a base that knows nothing.</summary>
    private ModelPackage RandomBase()
    {
        torch.manual_seed(7);
        return new ModelPackage(fixture.Base.Card with { Name = "random", WeightsDigest = "random" }, new ResNet(fixture.Base.Model.Spec, fixture.Base.Card.Labels.Count));
    }

    [Fact]
    public void The_pretrained_base_ranks_above_a_random_one_on_the_target_and_each_sees_its_own_input_spec()
    {
        var positions = FashionFixture.Sample(fixture.Train, FashionFixture.TargetClasses, perClass: 40, seed: 3);
        using var labels = FashionFixture.Labels(fixture.Train, positions, FashionFixture.TargetClasses);
        using var random = RandomBase();
        var specs = new List<InputSpec>();

        var ranking = BaseRanking.Rank([("random", random), ("fashion-compact", fixture.Base)], spec =>
        {
            specs.Add(spec);
            return InMemoryTensors.Images(fixture.Train, positions, spec);
        }, labels, classes: 5);

        Assert.Equal(["fashion-compact", "random"], ranking.Select(r => r.Reference));
        Assert.True(ranking[0].LogMe > ranking[1].LogMe);
        Assert.Equal(fixture.Base.Card.WeightsDigest, ranking[0].WeightsDigest);
        Assert.All(ranking, r => Assert.Equal(200, r.Examples));
        Assert.Equal(2, specs.Count);
        Assert.StartsWith("fashion-compact ", BaseRanking.Describe(ranking));
        Assert.Contains(" > random ", BaseRanking.Describe(ranking));
    }

    [Fact]
    public void Equal_scores_keep_the_order_the_candidates_were_named_in()
    {
        var positions = FashionFixture.Sample(fixture.Train, FashionFixture.TargetClasses, perClass: 10, seed: 4);
        using var labels = FashionFixture.Labels(fixture.Train, positions, FashionFixture.TargetClasses);

        var ranking = BaseRanking.Rank([("second-name", fixture.Base), ("first-name", fixture.Base)], spec => InMemoryTensors.Images(fixture.Train, positions, spec), labels, classes: 5);

        Assert.Equal(ranking[0].LogMe, ranking[1].LogMe);
        Assert.Equal(["second-name", "first-name"], ranking.Select(r => r.Reference));
    }
}
