using TransferFunctions.Learning.Data;

namespace TransferFunctions.Learning.Tests.Data;

public sealed class ManifestReaderTests
{
    [Fact]
    public async Task Csv_manifest_reads_paths_labels_splits_domains_and_extra_label_columns()
    {
        using var dir = new TempDirectory();
        var manifest = dir.Write("manifest.csv",
            "path,label,split,domain,color\r\n" +
            "img/a.png,cat,train,studio,black\r\n" +
            "\"img/b,1.png\",\"big \"\"dog\"\"\",VAL,,\r\n" +
            "\n" +
            "./img/c.png,cat,validation,field,\"multi\nline\"\n" +
            "img/d.png,dog,,,white");

        var dataset = await ManifestReader.ReadAsync(manifest);

        Assert.Equal(DatasetFormat.CsvManifest, dataset.Format);
        Assert.Equal(dir.Path, dataset.Root);
        Assert.Equal(["img/a.png", "img/b,1.png", "img/c.png", "img/d.png"], dataset.Examples.Select(e => e.Path));
        Assert.Equal(["cat", "big \"dog\"", "cat", "dog"], dataset.Examples.Select(e => e.Label));
        Assert.Equal([DatasetSplit.Train, DatasetSplit.Validation, DatasetSplit.Validation, null], dataset.Examples.Select(e => e.Split));
        Assert.Equal(["studio", null, "field", null], dataset.Examples.Select(e => e.Domain));
        Assert.Equal([2, 3, 5, 7], dataset.Examples.Select(e => e.SourceLine ?? 0));
        Assert.Equal("black", dataset.Examples[0].ExtraLabels["color"]);
        Assert.False(dataset.Examples[1].ExtraLabels.ContainsKey("color"));
        Assert.Equal("multi\nline", dataset.Examples[2].ExtraLabels["color"]);
        Assert.Equal(["big \"dog\"", "cat", "dog"], dataset.Labels);
        Assert.Equal(["black", "multi\nline", "white"], dataset.ExtraLabelVocabularies["color"]);
    }

    [Fact]
    public async Task Json_lines_manifest_reads_the_same_fields()
    {
        using var dir = new TempDirectory();
        var manifest = dir.Write("data.jsonl",
            """
            {"path": "a.png", "label": "cat", "split": "test", "domain": "web", "size": "small"}

            {"path": "b.png", "label": 3, "size": null}
            """);

        var dataset = await ManifestReader.ReadAsync(manifest);

        Assert.Equal(DatasetFormat.JsonLinesManifest, dataset.Format);
        Assert.Equal(["a.png", "b.png"], dataset.Examples.Select(e => e.Path));
        Assert.Equal(["cat", "3"], dataset.Examples.Select(e => e.Label));
        Assert.Equal(DatasetSplit.Test, dataset.Examples[0].Split);
        Assert.Equal("web", dataset.Examples[0].Domain);
        Assert.Equal([1, 3], dataset.Examples.Select(e => e.SourceLine ?? 0));
        Assert.Equal(["small"], dataset.ExtraLabelVocabularies["size"]);
        Assert.Empty(dataset.Examples[1].ExtraLabels);
    }

    [Theory]
    [InlineData("path,label\na.png,cat\n../escape.png,dog\n", 3, "escapes the dataset folder")]
    [InlineData("path,label\na.png,cat\nsub/../../escape.png,dog\n", 3, "escapes the dataset folder")]
    [InlineData("path,label\n/etc/passwd,cat\n", 2, "is absolute")]
    [InlineData("path,label\na.png,\n", 2, "empty label")]
    [InlineData("path,label,split\na.png,cat,holdout\n", 2, "unknown split 'holdout'")]
    [InlineData("path,label\na.png,cat\nb.png,dog\n./a.png,dog\n", 4, "duplicate path './a.png' (first listed in line 2)")]
    [InlineData("path,label\na.png,cat,extra\n", 2, "3 fields but the header has 2")]
    [InlineData("file,label\na.png,cat\n", 1, "missing header column(s) 'path'")]
    [InlineData("path,class\na.png,cat\n", 1, "missing header column(s) 'label'")]
    [InlineData("path,label\n\"a.png,cat\n", 2, "unterminated quoted field")]
    [InlineData("", 1, "missing header row")]
    public async Task Malformed_csv_is_rejected_with_line_number_and_reason(string csv, int line, string reason)
    {
        using var dir = new TempDirectory();
        var manifest = dir.Write("manifest.csv", csv);

        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => ManifestReader.ReadCsvAsync(manifest));

        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Message);
        Assert.Contains(manifest, error.Message);
    }

    [Theory]
    [InlineData("{\"path\":\"a.png\",\"label\":\"cat\"}\n{\"path\": \"b.png\", label}\n", 2, "unparseable JSON")]
    [InlineData("{\"path\":\"a.png\"}\n", 1, "missing field 'label'")]
    [InlineData("[1,2]\n", 1, "expected a JSON object")]
    [InlineData("{\"path\":\"a.png\",\"label\":\"cat\",\"box\":[1,2]}\n", 1, "field 'box' must be a string")]
    [InlineData("{\"path\":\"../x.png\",\"label\":\"cat\"}\n", 1, "escapes the dataset folder")]
    [InlineData("{\"path\":\"a.png\",\"label\":\"cat\"}\n{\"path\":\"a.png\",\"label\":\"dog\"}\n", 2, "duplicate path")]
    [InlineData("{\"path\":\"a.png\",\"label\":\"cat\",\"split\":\"dev\"}\n", 1, "unknown split 'dev'")]
    public async Task Malformed_json_lines_are_rejected_with_line_number_and_reason(string jsonl, int line, string reason)
    {
        using var dir = new TempDirectory();
        var manifest = dir.Write("manifest.jsonl", jsonl);

        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => ManifestReader.ReadJsonLinesAsync(manifest));

        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public async Task Manifest_path_through_a_symlink_leaving_the_folder_is_rejected()
    {
        using var outside = new TempDirectory();
        using var dir = new TempDirectory();
        outside.Write("x/secret.png", "x");
        Directory.CreateSymbolicLink(dir.File("link"), outside.File("x"));
        var manifest = dir.Write("manifest.csv", "path,label\nok.png,cat\nlink/secret.png,dog\n");

        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => ManifestReader.ReadCsvAsync(manifest));

        Assert.Equal(3, error.Line);
        Assert.Contains("symlink pointing outside", error.Message);
        Assert.Contains("link/secret.png", error.Message);
    }

    [Fact]
    public async Task Dataset_reader_prefers_a_manifest_in_a_folder_and_falls_back_to_image_folder()
    {
        using var withManifest = new TempDirectory();
        withManifest.Write("manifest.csv", "path,label\nimgs/a.png,cat\n");
        using var imageFolder = new TempDirectory();
        imageFolder.Write("cat/a.png", "x");

        var fromManifest = await DatasetReader.ReadAsync(withManifest.Path);
        var fromFolder = await DatasetReader.ReadAsync(imageFolder.Path);

        Assert.Equal(DatasetFormat.CsvManifest, fromManifest.Format);
        Assert.Equal(DatasetFormat.ImageFolder, fromFolder.Format);
    }
}
