using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Models;

namespace TransferFunctions.Learning.Tests.Data;

public sealed class DatasetExporterTests
{
    // Through the tensors the pipeline trains on, unnormalized (mean 0, std 1) at the images' own size: pixels / 255.
    private static async Task<float[]> AllPixels(DatasetDescription dataset)
    {
        using var images = await DatasetTensors.ImagesAsync(dataset, dataset.Examples, new InputSpec(1, 28, 28, [0.0], [1.0]));
        return images.data<float>().ToArray();
    }

    [Fact]
    public async Task Fashion_mnist_subset_exports_as_image_folder_with_identical_pixels()
    {
        using var dir = new TempDirectory();
        var source = await FashionMnist.LoadAsync(train: false);
        int[] picked = [0, 1, 2, 3, 19, 42];
        var target = Path.Combine(dir.Path, "batch");

        var exported = await DatasetExporter.ExportAsync(source, picked, target, ExportLayout.ImageFolder, writeReadyMarker: true);

        Assert.True(File.Exists(Path.Combine(target, "_READY")));
        Assert.Equal(DatasetFormat.ImageFolder, exported.Format);
        Assert.Contains("T-shirt-top", exported.Labels); // '/' cannot be in a folder name
        Assert.Equal(10, exported.Labels.Count); // every class folder exists, even empty ones
        Assert.Contains(exported.Examples, e => e.Path == "Ankle boot/000000.png");
        var expected = await AllPixels(source with { Examples = picked.Select(i => source.Examples[i]).ToArray() });
        var byPosition = exported with { Examples = exported.Examples.OrderBy(e => e.Path![^10..]).ToArray() };
        Assert.Equal(expected, await AllPixels(byPosition));
    }

    [Fact]
    public async Task Csv_manifest_export_keeps_labels_verbatim_and_round_trips()
    {
        using var dir = new TempDirectory();
        var source = await FashionMnist.LoadAsync(train: false);
        int[] picked = [5, 0, 7];
        var target = Path.Combine(dir.Path, "batch");

        var exported = await DatasetExporter.ExportAsync(source, picked, target, ExportLayout.CsvManifest);

        Assert.Equal(DatasetFormat.CsvManifest, exported.Format);
        Assert.Equal(["images/000005.png", "images/000000.png", "images/000007.png"], exported.Examples.Select(e => e.Path));
        Assert.Equal(picked.Select(i => source.Examples[i].Label), exported.Examples.Select(e => e.Label));
        Assert.Equal(
            await AllPixels(source with { Examples = picked.Select(i => source.Examples[i]).ToArray() }),
            await AllPixels(exported));
        var report = await new DatasetValidator(new ValidationOptions { MinExamplesPerClass = 1, SplitRatios = new SplitRatios(1, 0, 0) }).ValidateAsync(exported);
        Assert.DoesNotContain(report.Issues, i => i.Code is ValidationCodes.CorruptImage or ValidationCodes.MissingFile);
    }

    [Fact]
    public async Task Export_refuses_a_non_empty_target()
    {
        using var dir = new TempDirectory();
        dir.Write("existing.txt", "x");
        var source = await FashionMnist.LoadAsync(train: false);

        var error = await Assert.ThrowsAsync<IOException>(() => DatasetExporter.ExportAsync(source, [0], dir.Path, ExportLayout.CsvManifest));

        Assert.Contains("is not empty", error.Message);
    }

    [Fact]
    public void Labels_that_collide_as_folder_names_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => DatasetExporter.FolderNames(["a/b", "a:b"]));

        Assert.Contains("both become folder 'a-b'", error.Message);
    }
}
