using TransferFunctions.Learning.Data;
using TorchSharp;
using static TorchSharp.torch;
using TransferFunctions.Learning.Engine;

namespace TransferFunctions.Learning.Tests.Data;

public sealed class EmbeddingReaderTests
{
    [Fact]
    public async Task Headerless_csv_has_the_label_first()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("emb.csv", "cat,0.5,1\ndog,-2,3e-1\r\ncat,0,0\n");

        var dataset = await EmbeddingReader.ReadCsvAsync(path);

        Assert.Equal(DatasetFormat.EmbeddingsCsv, dataset.Format);
        Assert.Equal((3, 2), (dataset.Embeddings!.Count, dataset.Embeddings.Dimension));
        Assert.Equal([0.5f, 1f, -2f, 0.3f, 0f, 0f], dataset.Embeddings.Features);
        Assert.Equal(["cat", "dog", "cat"], dataset.Examples.Select(e => e.Label));
        Assert.Equal(["cat", "dog"], dataset.Labels);
    }

    [Fact]
    public async Task Header_may_name_the_label_column_anywhere()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("emb.csv", "f0,label,f1\n1,7,2\n3,10,4\n5,7,6\n");

        var dataset = await EmbeddingReader.ReadCsvAsync(path);

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], dataset.Embeddings!.Features);
        Assert.Equal(["7", "10", "7"], dataset.Examples.Select(e => e.Label));
        Assert.Equal(["7", "10"], dataset.Labels); // integer labels sort numerically
    }

    [Theory]
    [InlineData("cat,1,2\ndog,1\n", 2, "2 fields, but the first row has 3")]
    [InlineData("cat,1,abc\n", 1, "'abc', not a finite number")]
    [InlineData("label,x,y\ncat,1,NaN\n", 2, "feature 'y' is 'NaN'")]
    [InlineData("cat,1\n,2\n", 2, "empty label")]
    public async Task Bad_csv_rows_are_rejected_with_line_numbers(string csv, int line, string reason)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("emb.csv", csv);

        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => EmbeddingReader.ReadCsvAsync(path));

        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public async Task Safetensors_embeddings_read_features_labels_and_class_names()
    {
        using var dir = new TempDirectory();
        var path = dir.File("emb.safetensors");
        using (var features = torch.tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, new long[] { 3, 2 }))
        using (var labels = torch.tensor(new[] { 1L, 0L, 1L }))
        {
            Safetensors.Save(path,
                [new("features", features), new("labels", labels)],
                new Dictionary<string, string> { ["labels"] = "[\"bird\",\"plane\"]" });
        }

        var dataset = await EmbeddingReader.ReadSafetensorsAsync(path);

        Assert.Equal(DatasetFormat.EmbeddingsSafetensors, dataset.Format);
        Assert.Equal(["bird", "plane"], dataset.Labels);
        Assert.Equal(["plane", "bird", "plane"], dataset.Examples.Select(e => e.Label));
        Assert.Equal([3f, 4f], dataset.Embeddings!.Row(1).ToArray());
    }

    [Fact]
    public async Task Safetensors_label_outside_the_class_names_is_rejected()
    {
        using var dir = new TempDirectory();
        var path = dir.File("emb.safetensors");
        using (var features = torch.tensor(new[] { 1f, 2f }, new long[] { 2, 1 }))
        using (var labels = torch.tensor(new[] { 0L, 5L }))
        {
            Safetensors.Save(path, [new("features", features), new("labels", labels)],
                new Dictionary<string, string> { ["labels"] = "[\"a\",\"b\"]" });
        }

        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => EmbeddingReader.ReadSafetensorsAsync(path));

        Assert.Contains("row 1 has label 5, outside the 2 class names", error.Message);
    }

    [Fact]
    public async Task Safetensors_with_wrong_dtype_names_the_tensor()
    {
        using var dir = new TempDirectory();
        var path = dir.File("emb.safetensors");
        using (var features = torch.tensor(new[] { 1.0, 2.0 }, new long[] { 2, 1 }))
        using (var labels = torch.tensor(new[] { 0L, 1L }))
        {
            Safetensors.Save(path, [new("features", features), new("labels", labels)],
                new Dictionary<string, string> { ["labels"] = "[\"a\",\"b\"]" });
        }

        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => EmbeddingReader.ReadSafetensorsAsync(path));

        Assert.Contains("tensor 'features' is Float64", error.Message);
    }
}
