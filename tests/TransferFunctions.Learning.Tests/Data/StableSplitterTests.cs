using TransferFunctions.Learning.Data;

namespace TransferFunctions.Learning.Tests.Data;

public sealed class StableSplitterTests
{
    private static DatasetDescription Files(TempDirectory dir, int from, int to)
    {
        var examples = new List<ExampleRecord>();
        for (var i = from; i < to; i++)
        {
            var name = $"f{i:D5}.bin";
            dir.Write(name, BitConverter.GetBytes(i));
            examples.Add(new ExampleRecord { Path = name, Label = (i % 3).ToString() });
        }
        return new DatasetDescription { Root = dir.Path, Format = DatasetFormat.CsvManifest, Examples = examples, Labels = ["0", "1", "2"] };
    }

    [Fact]
    public async Task Adding_data_never_moves_an_old_example_to_another_split()
    {
        using var dir = new TempDirectory();
        var splitter = new StableSplitter();
        var before = await splitter.AssignAsync(Files(dir, 0, 1000));
        var grown = Files(dir, 0, 1500);
        // New examples listed first, so positions shift too.
        grown = grown with { Examples = grown.Examples.Reverse().ToArray() };

        var after = await splitter.AssignAsync(grown);

        var splitAfter = after.Examples.ToDictionary(e => e.Path!, e => e.Split);
        Assert.All(before.Examples, e => Assert.Equal(e.Split, splitAfter[e.Path!]));
        Assert.Equal(1500, after.Examples.Count);
    }

    [Fact]
    public async Task Split_follows_content_not_file_name()
    {
        using var dir = new TempDirectory();
        dir.Write("a.bin", [1, 2, 3]);
        dir.Write("renamed.bin", [1, 2, 3]);
        var dataset = new DatasetDescription
        {
            Root = dir.Path, Format = DatasetFormat.CsvManifest, Labels = ["x"],
            Examples = [new ExampleRecord { Path = "a.bin", Label = "x" }, new ExampleRecord { Path = "renamed.bin", Label = "x" }],
        };

        var assigned = await new StableSplitter().AssignAsync(dataset);

        Assert.Equal(assigned.Examples[0].ContentHash, assigned.Examples[1].ContentHash);
        Assert.Equal(assigned.Examples[0].Split, assigned.Examples[1].Split);
        // SHA-256 of bytes 01 02 03, as computed by sha256sum.
        Assert.Equal("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", assigned.Examples[0].ContentHash);
    }

    [Fact]
    public async Task Ratios_hold_within_tolerance_on_2000_examples()
    {
        using var dir = new TempDirectory();
        var splitter = new StableSplitter(new SplitRatios(0.7, 0.2, 0.1));

        var assigned = await splitter.AssignAsync(Files(dir, 0, 2000));

        // Binomial standard deviations at n=2000 are about 1%, 0.9% and 0.7%; 3.5% is beyond 3.5 sigma.
        Assert.InRange(assigned.Examples.Count(e => e.Split == DatasetSplit.Train) / 2000.0, 0.665, 0.735);
        Assert.InRange(assigned.Examples.Count(e => e.Split == DatasetSplit.Validation) / 2000.0, 0.165, 0.235);
        Assert.InRange(assigned.Examples.Count(e => e.Split == DatasetSplit.Test) / 2000.0, 0.075, 0.125);
    }

    [Fact]
    public async Task User_given_split_wins_over_the_hash()
    {
        using var dir = new TempDirectory();
        var dataset = Files(dir, 0, 50);
        dataset = dataset with { Examples = dataset.Examples.Select(e => e with { Split = DatasetSplit.Test }).ToArray() };

        var assigned = await new StableSplitter().AssignAsync(dataset);

        Assert.All(assigned.Examples, e => Assert.Equal(DatasetSplit.Test, e.Split));
    }

    [Fact]
    public void Hash_maps_to_the_unit_interval_by_its_leading_bits()
    {
        Assert.Equal(0.0, StableSplitter.UnitInterval(new string('0', 64)));
        Assert.Equal(0.5, StableSplitter.UnitInterval("8" + new string('0', 63)));
        Assert.True(StableSplitter.UnitInterval(new string('f', 64)) < 1.0);
        var splitter = new StableSplitter();
        Assert.Equal(DatasetSplit.Train, splitter.SplitFor("c" + new string('0', 63)));      // 0.75
        Assert.Equal(DatasetSplit.Validation, splitter.SplitFor("e" + new string('0', 63))); // 0.875
        Assert.Equal(DatasetSplit.Test, splitter.SplitFor("f" + new string('0', 63)));       // 0.9375
    }

    [Fact]
    public void Ratios_must_sum_to_one()
    {
        var error = Assert.Throws<ArgumentException>(() => new SplitRatios(0.8, 0.1, 0.2));
        Assert.Contains("sum to 1", error.Message);
    }
}
