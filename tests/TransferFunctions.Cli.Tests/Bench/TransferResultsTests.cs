using TransferFunctions.Cli.Bench;
using static TransferFunctions.Cli.Bench.TransferBenchmark;

namespace TransferFunctions.Cli.Tests.Bench;

public sealed class TransferResultsTests
{
    private static Row FineTune(string baseName, int seed, double accuracy, int k = 10) =>
        new("letters-a-j", baseName, "fine-tune", k, seed, 10 * k, accuracy, 1, 60);

    [Fact]
    public void A_cell_is_the_mean_and_sample_standard_deviation_over_its_seeds()
    {
        var cell = Assert.Single(TransferResults.Cells([FineTune(ImageNetName, 0, 0.90), FineTune(ImageNetName, 1, 0.94), FineTune(ImageNetName, 2, 0.98)]));

        Assert.Equal(3, cell.Seeds);
        Assert.Equal(0.94, cell.Mean, 12);
        Assert.Equal(0.04, cell.Sd, 12);
    }

    [Fact]
    public void LogMe_pick_is_right_when_its_base_fine_tunes_at_least_as_well_and_samples_without_both_fine_tunes_are_left_out()
    {
        var logme = new List<LogMeRow>
        {
            new("letters-a-j", ImageNetName, 10, 0, 64, -0.2), new("letters-a-j", CompactName, 10, 0, 28, -0.3), // picks ImageNet: right
            new("letters-a-j", ImageNetName, 10, 1, 64, -0.4), new("letters-a-j", CompactName, 10, 1, 28, -0.3), // picks compact: wrong
            new("letters-a-j", ImageNetName, 10, 2, 64, -0.4), new("letters-a-j", CompactName, 10, 2, 28, -0.3), // picks compact: tie counts
            new("letters-a-j", ImageNetName, 10, 3, 64, -0.1), new("letters-a-j", CompactName, 10, 3, 28, -0.3), // no compact fine-tune yet
        };
        var rows = new List<Row>
        {
            FineTune(ImageNetName, 0, 0.95), FineTune(CompactName, 0, 0.90),
            FineTune(ImageNetName, 1, 0.95), FineTune(CompactName, 1, 0.90),
            FineTune(ImageNetName, 2, 0.92), FineTune(CompactName, 2, 0.92),
            FineTune(ImageNetName, 3, 0.99),
        };

        var pick = TransferResults.LogMePick(rows, logme);

        Assert.Equal(2, pick["right"]!.GetValue<int>());
        Assert.Equal(3, pick["of"]!.GetValue<int>());
        Assert.Equal([true, false, true], pick["cases"]!.AsArray().Select(c => c!["right"]!.GetValue<bool>()));
    }

    [Fact]
    public void The_table_shows_mean_and_sd_in_points_bolds_the_best_and_says_what_was_not_run()
    {
        var rows = new List<Row>
        {
            FineTune(ImageNetName, 0, 0.95) with { LossChange = -0.02 }, FineTune(ImageNetName, 1, 0.97) with { LossChange = -0.04 }, FineTune(CompactName, 0, 0.90), FineTune(CompactName, 1, 0.92),
            FineTune(CompactName, 0, 0.5, k: 100),
        };
        var summary = TransferResults.Summarize(["letters-a-j"], [10], rows, []);

        var table = TransferResults.Table([("letters-a-j", "letters", 10)], [10, 100], rows, summary, 64, new Dictionary<int, int> { [10] = 60, [100] = 120 });

        Assert.Contains("| letters-a-j | 10 | 2 | not run | 91.0 ± 1.4 (1 s) | not run | **96.0 ± 1.4 (1 s)** | not run |", table);
        Assert.Contains("| letters-a-j | 100 | 1 | not run | **50.0 (1 seed, 1 s)** | not run | not run | not run |", table);
        Assert.Contains("- imagenet-resnet18 fine-tune: training loss over the last fifth of the steps changed by -3.0% on average (-4.0% to -2.0%, 2 runs).", table);
        Assert.Contains("ImageNet base at 64 px", table);
        Assert.Contains("in 0 of 0 samples", table);
    }
}
