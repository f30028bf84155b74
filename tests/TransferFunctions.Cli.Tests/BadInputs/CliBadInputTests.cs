using TransferFunctions.Cli.Tests.Commands;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Learning.Data;
using TransferFunctions.Pipeline.Steps;

namespace TransferFunctions.Cli.Tests.BadInputs;

/// <summary>Bad input at the command line: specific errors on stderr, exit code 2, no stack trace, nothing written.</summary>
[Collection(CliCollection.Name)]
public sealed class CliBadInputTests(BaseModelFixture fixture) : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Adapt_on_a_single_class_folder_ends_with_the_specific_error_and_no_stack_trace()
    {
        var data = Path.Combine(_folder.Path, "one-class");
        var positions = Enumerable.Range(0, fixture.FashionTrain.Examples.Count).Where(i => fixture.FashionTrain.Examples[i].Label == "Sandal").Take(12).ToArray();
        await DatasetExporter.ExportAsync(fixture.FashionTrain with { Labels = ["Sandal"] }, positions, data, ExportLayout.ImageFolder);
        var output = Path.Combine(_folder.Path, "adapted");

        var (code, _, stderr) = await CliRun.RunAsync("adapt", "--data", data, "--base", fixture.BaseDirectory, "--strategy", "fine-tune", "--output", output, "--steps", "5");

        Assert.Equal(2, code);
        Assert.Contains("error [too-few-classes]: a classifier needs at least 2 classes; the data has 1", stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(Directory.Exists(output), "a package was written for one class");
    }

    [Fact]
    public async Task Batches_exclude_records_the_exclusion_include_removes_it_and_a_missing_batch_is_refused()
    {
        var store = Path.Combine(_folder.Path, "store");
        var batch = Path.Combine(store, "datasets", "shoes", "b1", "Sandal");
        Directory.CreateDirectory(batch);
        await File.WriteAllBytesAsync(Path.Combine(batch, "x.png"), [1, 2, 3]);

        var (code, stdout, stderr) = await CliRun.RunAsync("batches", "exclude", "shoes", "b1", "--reason", "corrupt upload", "--by", "tester", "--store", store);
        Assert.True(code == 0, stderr);
        Assert.Contains("excluded shoes/b1", stdout);
        Assert.True(File.Exists(Path.Combine(store, "projects", "shoes", "excluded", "b1.json")));

        var (listCode, listed, _) = await CliRun.RunAsync("batches", "excluded", "shoes", "--store", store);
        Assert.Equal(0, listCode);
        Assert.Contains("b1", listed);
        Assert.Contains("corrupt upload", listed);

        var (missingCode, _, missingError) = await CliRun.RunAsync("batches", "exclude", "shoes", "b9", "--store", store);
        Assert.Equal(2, missingCode);
        Assert.Contains("error: Batch 'b9' of project 'shoes' does not exist", missingError);

        var (traversalCode, _, traversalError) = await CliRun.RunAsync("batches", "exclude", "shoes", "../../etc", "--store", store);
        Assert.Equal(2, traversalCode);
        Assert.Contains("is not a batch name", traversalError);

        var (includeCode, included, _) = await CliRun.RunAsync("batches", "include", "shoes", "b1", "--store", store);
        Assert.Equal(0, includeCode);
        Assert.Contains("included shoes/b1", included);
        Assert.False(File.Exists(Path.Combine(store, BatchExclusion.KeyOf("shoes", "b1"))));
        Assert.True(File.Exists(Path.Combine(batch, "x.png")), "the batch's files must be kept");
    }
}
