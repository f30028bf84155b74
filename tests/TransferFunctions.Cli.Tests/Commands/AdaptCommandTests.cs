using System.Text.Json;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;

namespace TransferFunctions.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class AdaptCommandTests(BaseModelFixture fixture) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tf-cli-adapt-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Exports 20 PNGs per class of Fashion-MNIST classes 5–9 as an image folder, the way a user would deliver them.</summary>
    private async Task<string> ExportImageFolderAsync()
    {
        var names = new[] { 5, 6, 7, 8, 9 }.Select(c => FashionMnist.ClassNames[c]).ToArray();
        var positions = names.SelectMany(label => Enumerable.Range(0, fixture.FashionTrain.Examples.Count).Where(i => fixture.FashionTrain.Examples[i].Label == label).Take(20)).ToArray();
        var folder = Path.Combine(_root, "data");
        await DatasetExporter.ExportAsync(fixture.FashionTrain with { Labels = names }, positions, folder, ExportLayout.ImageFolder);
        return folder;
    }

    [Fact]
    public async Task Adapt_trains_on_an_image_folder_of_pngs_and_writes_an_evaluated_package()
    {
        var data = await ExportImageFolderAsync();
        var output = Path.Combine(_root, "adapted");

        var (code, stdout, stderr) = await CliRun.RunAsync("adapt", "--data", data, "--base", fixture.BaseDirectory, "--strategy", "fine-tune", "--output", output, "--steps", "20", "--batch-size", "32");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(CliRun.LastLine(stdout));
        var result = json.RootElement;
        Assert.Equal("fine-tune", result.GetProperty("strategy").GetString());
        Assert.True(result.GetProperty("test_examples").GetInt64() > 0);
        Assert.InRange(result.GetProperty("test_accuracy").GetDouble(), 0, 1);
        using var package = ModelPackage.Load(output);
        Assert.Equal(["Ankle boot", "Bag", "Sandal", "Shirt", "Sneaker"], package.Card.Labels);
        Assert.Equal(result.GetProperty("test_accuracy").GetDouble(), package.Card.Metrics["test_accuracy"]);
        Assert.Equal(result.GetProperty("dataset_digest").GetString(), package.Card.Training["dataset_digest"]);
        Assert.NotNull(package.Card.BaseModel);
        Assert.True(File.Exists(Path.Combine(output, "adaptation.json")));

        var (evalCode, evalOut, evalErr) = await CliRun.RunAsync("evaluate", "--model", output, "--data", data, "--split", "all");
        Assert.True(evalCode == 0, evalErr);
        using var evaluation = JsonDocument.Parse(CliRun.LastLine(evalOut));
        Assert.Equal(100, evaluation.RootElement.GetProperty("examples").GetInt32());
        Assert.True(evaluation.RootElement.GetProperty("accuracy").GetDouble() > 0.5, evalOut);
    }

    [Fact]
    public async Task Adapt_with_a_malformed_manifest_reports_the_specific_error_and_writes_nothing()
    {
        var data = Path.Combine(_root, "bad");
        Directory.CreateDirectory(Path.Combine(data, "images"));
        await File.WriteAllBytesAsync(Path.Combine(data, "images", "a.png"), [1, 2, 3]);
        await File.WriteAllTextAsync(Path.Combine(data, "manifest.csv"), "path,label,split\nimages/a.png,Bag,train\nimages/b.png,Sandal,holdout\n");
        var output = Path.Combine(_root, "never");

        var (code, stdout, stderr) = await CliRun.RunAsync("adapt", "--data", data, "--base", fixture.BaseDirectory, "--strategy", "linear-probe", "--output", output);

        Assert.Equal(2, code);
        Assert.Contains("manifest.csv, line 3: unknown split 'holdout' for 'images/b.png'", stderr);
        Assert.False(Directory.Exists(output), "nothing may be written for bad data");
        Assert.DoesNotContain("{", stdout);
    }

    [Fact]
    public async Task Adapt_with_undecodable_images_lists_each_file_and_writes_nothing()
    {
        var data = Path.Combine(_root, "corrupt");
        foreach (var label in new[] { "Bag", "Sandal" })
        {
            Directory.CreateDirectory(Path.Combine(data, label));
            await File.WriteAllBytesAsync(Path.Combine(data, label, "x.png"), System.Text.Encoding.ASCII.GetBytes("not a png " + label));
        }
        var output = Path.Combine(_root, "never");

        var (code, _, stderr) = await CliRun.RunAsync("adapt", "--data", data, "--base", fixture.BaseDirectory, "--strategy", "linear-probe", "--output", output);

        Assert.Equal(2, code);
        Assert.Contains("cannot decode 'Bag/x.png'", stderr);
        Assert.Contains("cannot decode 'Sandal/x.png'", stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Adapt_with_an_unknown_strategy_names_the_known_ones()
    {
        var (code, _, stderr) = await CliRun.RunAsync("adapt", "--data", _root, "--base", fixture.BaseDirectory, "--strategy", "magic", "--output", Path.Combine(_root, "o"));

        Assert.Equal(2, code);
        Assert.Contains("unknown strategy 'magic'", stderr);
        Assert.Contains("fine-tune", stderr);
    }
}
