using TransferFunctions.Learning.Data;

namespace TransferFunctions.Learning.Tests.Data;

public sealed class ImageFolderReaderTests
{
    [Fact]
    public void Folders_become_labels_and_hidden_files_ready_marker_and_unlabeled_folder_are_ignored()
    {
        using var dir = new TempDirectory();
        dir.Write("cat/a.png", "x");
        dir.Write("cat/B.JPG", "x");
        dir.Write("cat/.DS_Store", "x");
        dir.Write("dog/c.jpeg", "x");
        dir.Write("dog/d.Bmp", "x");
        dir.Write("dog/e.gif", "x");
        dir.Write(".hidden/f.png", "x");
        dir.Write("_READY", "");
        dir.Write("_unlabeled/g.png", "x");
        Directory.CreateDirectory(dir.File("empty"));

        var dataset = ImageFolderReader.Read(dir.Path);

        Assert.Equal(DatasetFormat.ImageFolder, dataset.Format);
        Assert.Equal(["cat", "dog", "empty"], dataset.Labels);
        Assert.Equal(["cat/B.JPG", "cat/a.png", "dog/c.jpeg", "dog/d.Bmp", "dog/e.gif"], dataset.Examples.Select(e => e.Path));
        Assert.Equal(["cat", "cat", "dog", "dog", "dog"], dataset.Examples.Select(e => e.Label));
        Assert.All(dataset.Examples, e => Assert.Null(e.Split));
    }

    [Fact]
    public void Nested_folder_is_an_error_naming_its_path()
    {
        using var dir = new TempDirectory();
        dir.Write("cat/a.png", "x");
        dir.Write("cat/kittens/b.png", "x");

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolderReader.Read(dir.Path));

        Assert.Contains(Path.Combine("cat", "kittens"), error.Message);
        Assert.Contains("nested folder", error.Message);
    }

    [Fact]
    public void Non_image_file_in_a_class_folder_is_an_error_naming_it()
    {
        using var dir = new TempDirectory();
        dir.Write("cat/notes.txt", "x");

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolderReader.Read(dir.Path));

        Assert.Contains("notes.txt", error.Message);
    }

    [Fact]
    public void Symlink_pointing_outside_the_root_is_refused()
    {
        using var outside = new TempDirectory();
        using var dir = new TempDirectory();
        var secret = outside.Write("secret.png", "x");
        Directory.CreateDirectory(dir.File("cat"));
        File.CreateSymbolicLink(dir.File("cat/link.png"), secret);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolderReader.Read(dir.Path));

        Assert.Contains("symlink", error.Message);
        Assert.Contains("cat/link.png", error.Message);
    }

    [Fact]
    public void Symlink_pointing_inside_the_root_is_accepted()
    {
        using var dir = new TempDirectory();
        var real = dir.Write("cat/a.png", "x");
        Directory.CreateDirectory(dir.File("dog"));
        File.CreateSymbolicLink(dir.File("dog/alias.png"), real);

        var dataset = ImageFolderReader.Read(dir.Path);

        Assert.Equal(2, dataset.Examples.Count);
    }

    [Fact]
    public async Task Merged_batches_prefix_paths_and_rebuild_vocabularies_over_all_examples()
    {
        using var dir = new TempDirectory();
        dir.Write("b1/10/a.png", "x");
        dir.Write("b1/2/b.png", "x");
        dir.Write("b2/manifest.csv", "path,label,size\nc.png,3,large\nd.png,10,\n");
        dir.Write("b2/c.png", "x");
        dir.Write("b2/d.png", "x");
        var first = ImageFolderReader.Read(dir.File("b1"));
        var second = await ManifestReader.ReadCsvAsync(dir.File("b2/manifest.csv"));

        var merged = DatasetDescription.Merge(dir.Path, [("b1", first), ("b2", second)]);

        Assert.Equal(["b1/10/a.png", "b1/2/b.png", "b2/c.png", "b2/d.png"], merged.Examples.Select(e => e.Path));
        // Numeric labels in numeric order, as one reader would give them, whatever batch brought them.
        Assert.Equal(["2", "3", "10"], merged.Labels);
        Assert.Equal(["large"], merged.ExtraLabelVocabularies["size"]);
        Assert.Equal(merged.Root, dir.Path);
    }
}
