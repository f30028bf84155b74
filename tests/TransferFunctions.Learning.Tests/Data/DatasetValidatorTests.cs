using TransferFunctions.Learning.Data;

namespace TransferFunctions.Learning.Tests.Data;

public sealed class DatasetValidatorTests
{
    private static readonly ValidationOptions AllTrain = new() { SplitRatios = new SplitRatios(1, 0, 0), MinExamplesPerClass = 1 };

    private static void WriteImages(TempDirectory dir, string label, int count, int firstSeed, int size = 8)
    {
        for (var i = 0; i < count; i++)
            dir.Write($"{label}/{i}.png", TestImages.Png(size, size, seed: firstSeed + i));
    }

    [Fact]
    public async Task Clean_dataset_has_no_issues_and_counts_each_class_per_split()
    {
        using var dir = new TempDirectory();
        dir.Write("manifest.csv",
            "path,label,split\n" +
            "a.png,cat,train\nb.png,cat,train\nc.png,cat,val\nd.png,dog,train\ne.png,dog,test\nf.png,dog,train\n");
        for (var i = 0; i < 6; i++)
            dir.Write($"{(char)('a' + i)}.png", TestImages.Png(6, 5, seed: i));
        var dataset = await ManifestReader.ReadAsync(dir.File("manifest.csv"));

        var report = await new DatasetValidator(new ValidationOptions { MinExamplesPerClass = 2 }).ValidateAsync(dataset);

        Assert.Empty(report.Issues);
        Assert.False(report.HasErrors);
        Assert.Equal(
            [new ClassSplitCounts("cat", 2, 1, 0), new ClassSplitCounts("dog", 2, 0, 1)],
            report.Counts);
        Assert.All(report.Dataset.Examples, e => Assert.Matches("^[0-9a-f]{64}$", e.ContentHash!));
        Assert.Matches("^[0-9a-f]{64}$", report.Digest);
    }

    [Fact]
    public async Task Corrupt_and_missing_files_are_errors_naming_the_file_and_reason()
    {
        using var dir = new TempDirectory();
        dir.Write("good.png", TestImages.Png(4, 4));
        dir.Write("broken.png", "this is not an image");
        var truncated = TestImages.Png(16, 16, seed: 3);
        dir.Write("truncated.png", truncated[..(truncated.Length / 2)]);
        dir.Write("manifest.csv", "path,label\ngood.png,a\nbroken.png,a\ntruncated.png,a\nmissing.png,a\n");
        var dataset = await ManifestReader.ReadAsync(dir.File("manifest.csv"));

        var report = await new DatasetValidator(AllTrain).ValidateAsync(dataset);

        Assert.True(report.HasErrors);
        var corrupt = report.Issues.Where(i => i.Code == ValidationCodes.CorruptImage).ToList();
        Assert.Equal(["broken.png", "truncated.png"], corrupt.Select(i => i.Path));
        Assert.All(corrupt, i => Assert.Equal(IssueSeverity.Error, i.Severity));
        Assert.Contains("line 3 (broken.png): cannot decode 'broken.png':", corrupt[0].Message);
        Assert.Contains("not a decodable", corrupt[0].Message);
        var missing = Assert.Single(report.Issues, i => i.Code == ValidationCodes.MissingFile);
        Assert.Contains("line 5 (missing.png): file 'missing.png' does not exist", missing.Message);
        Assert.Equal(3, report.Counts.Single().Train); // the missing file is not counted; corrupt ones have content
    }

    [Fact]
    public async Task Image_above_the_pixel_limit_is_an_error_from_its_header()
    {
        using var dir = new TempDirectory();
        WriteImages(dir, "small", 2, 0, size: 8);
        dir.Write("big/huge.png", TestImages.Png(40, 30, seed: 99));
        var dataset = ImageFolderReader.Read(dir.Path);

        var report = await new DatasetValidator(AllTrain with { MaxPixels = 1000 }).ValidateAsync(dataset);

        var issue = Assert.Single(report.Issues, i => i.Code == ValidationCodes.ImageTooLarge);
        Assert.Equal(IssueSeverity.Error, issue.Severity);
        Assert.Equal("big/huge.png", issue.Path);
        Assert.Contains("40x30 = 1200 pixels, above the limit of 1000", issue.Message);
    }

    [Fact]
    public async Task Duplicate_content_is_a_warning_and_an_error_when_labels_conflict()
    {
        using var dir = new TempDirectory();
        var same = TestImages.Png(5, 5, seed: 7);
        var other = TestImages.Png(5, 5, seed: 8);
        dir.Write("cat/1.png", same);
        dir.Write("cat/2.png", same);
        dir.Write("cat/3.png", other);
        dir.Write("dog/1.png", other);
        var dataset = ImageFolderReader.Read(dir.Path);

        var report = await new DatasetValidator(AllTrain).ValidateAsync(dataset);

        var duplicates = report.Issues.Where(i => i.Code == ValidationCodes.DuplicateContent).OrderBy(i => i.Severity).ToList();
        Assert.Equal(2, duplicates.Count);
        Assert.Equal(IssueSeverity.Warning, duplicates[0].Severity);
        Assert.Contains("cat/1.png, cat/2.png", duplicates[0].Message);
        Assert.Equal(IssueSeverity.Error, duplicates[1].Severity);
        Assert.Contains("conflicting labels ('cat', 'dog')", duplicates[1].Message);
    }

    [Fact]
    public async Task Same_content_in_train_and_test_is_leakage()
    {
        using var dir = new TempDirectory();
        var shared = TestImages.Png(5, 5, seed: 1);
        dir.Write("a.png", shared);
        dir.Write("b.png", shared);
        dir.Write("c.png", TestImages.Png(5, 5, seed: 2));
        dir.Write("manifest.csv", "path,label,split\na.png,x,train\nb.png,x,test\nc.png,x,train\n");
        var dataset = await ManifestReader.ReadAsync(dir.File("manifest.csv"));

        var report = await new DatasetValidator(AllTrain).ValidateAsync(dataset);

        var leak = Assert.Single(report.Issues, i => i.Code == ValidationCodes.TrainTestLeakage);
        Assert.Equal(IssueSeverity.Error, leak.Severity);
        Assert.Contains("train (line 2 (a.png)) and in test (line 3 (b.png))", leak.Message);
    }

    [Fact]
    public async Task Small_class_is_a_warning_and_a_class_without_training_examples_is_an_error()
    {
        using var dir = new TempDirectory();
        WriteImages(dir, "plenty", 5, 0);
        WriteImages(dir, "rare", 2, 100);
        Directory.CreateDirectory(dir.File("empty"));
        var dataset = ImageFolderReader.Read(dir.Path);

        var report = await new DatasetValidator(AllTrain with { MinExamplesPerClass = 3 }).ValidateAsync(dataset);

        var few = Assert.Single(report.Issues, i => i.Code == ValidationCodes.TooFewExamples);
        Assert.Equal(IssueSeverity.Warning, few.Severity);
        Assert.Contains("class 'rare' has 2 examples, fewer than the minimum of 3", few.Message);
        var empty = Assert.Single(report.Issues, i => i.Code == ValidationCodes.EmptyClass);
        Assert.Equal(IssueSeverity.Error, empty.Severity);
        Assert.Contains("class 'empty' has no readable training examples", empty.Message);
    }

    [Fact]
    public async Task Label_outside_the_expected_vocabulary_names_line_and_known_labels()
    {
        using var dir = new TempDirectory();
        dir.Write("a.png", TestImages.Png(4, 4, seed: 1));
        dir.Write("b.png", TestImages.Png(4, 4, seed: 2));
        dir.Write("manifest.csv", "path,label\na.png,cat\nb.png,cta\n");
        var dataset = await ManifestReader.ReadAsync(dir.File("manifest.csv"));

        var report = await new DatasetValidator(AllTrain with { ExpectedLabels = ["cat", "dog"] }).ValidateAsync(dataset);

        var issue = Assert.Single(report.Issues, i => i.Code == ValidationCodes.UnknownLabel);
        Assert.Equal("unknown label 'cta' in line 3; known labels: cat, dog", issue.Message);
    }

    [Fact]
    public async Task Image_far_from_the_median_size_is_a_size_outlier()
    {
        using var dir = new TempDirectory();
        WriteImages(dir, "a", 4, 0, size: 10);
        dir.Write("a/giant.png", TestImages.Png(60, 10, seed: 50));
        var dataset = ImageFolderReader.Read(dir.Path);

        var report = await new DatasetValidator(AllTrain).ValidateAsync(dataset);

        var outlier = Assert.Single(report.Issues, i => i.Code == ValidationCodes.SizeOutlier);
        Assert.Equal("a/giant.png", outlier.Path);
        Assert.Contains("60x10, far from the median size 10x10", outlier.Message);
    }

    [Fact]
    public async Task Symlink_escaping_after_reading_is_reported_as_path_escape()
    {
        using var outside = new TempDirectory();
        using var dir = new TempDirectory();
        WriteImages(dir, "a", 2, 0);
        var dataset = ImageFolderReader.Read(dir.Path);
        var secret = outside.Write("secret.png", TestImages.Png(8, 8, seed: 9));
        File.Delete(dir.File("a/1.png"));
        File.CreateSymbolicLink(dir.File("a/1.png"), secret);

        var report = await new DatasetValidator(AllTrain).ValidateAsync(dataset);

        var issue = Assert.Single(report.Issues, i => i.Code == ValidationCodes.PathEscape);
        Assert.Equal("a/1.png", issue.Path);
        Assert.True(report.HasErrors);
    }

    [Fact]
    public async Task Digest_ignores_file_names_and_order_but_not_labels()
    {
        using var dir = new TempDirectory();
        for (var i = 0; i < 4; i++)
            dir.Write($"img{i}.png", TestImages.Png(4, 4, seed: i));
        dir.Write("original.csv", "path,label\nimg0.png,a\nimg1.png,a\nimg2.png,b\nimg3.png,b\n");
        File.Move(dir.File("img0.png"), dir.File("renamed.png"));
        File.Copy(dir.File("renamed.png"), dir.File("img0.png"));
        dir.Write("renamed.csv", "path,label\nimg3.png,b\nrenamed.png,a\nimg2.png,b\nimg1.png,a\n");
        dir.Write("relabeled.csv", "path,label\nimg0.png,a\nimg1.png,b\nimg2.png,b\nimg3.png,b\n");
        var validator = new DatasetValidator();

        var original = await validator.ValidateAsync(await ManifestReader.ReadAsync(dir.File("original.csv")));
        var renamed = await validator.ValidateAsync(await ManifestReader.ReadAsync(dir.File("renamed.csv")));
        var relabeled = await validator.ValidateAsync(await ManifestReader.ReadAsync(dir.File("relabeled.csv")));

        Assert.Equal(original.Digest, renamed.Digest);
        Assert.NotEqual(original.Digest, relabeled.Digest);
    }

    [Fact]
    public async Task In_memory_idx_images_are_hashed_and_split_without_files()
    {
        using var dir = new TempDirectory();
        dir.Write("images", IdxReaderTests.IdxImages(40, 2, 2, i => (byte)(i / 4 * 3 + i % 4)));
        dir.Write("labels", IdxReaderTests.IdxLabels(Enumerable.Range(0, 40).Select(i => (byte)(i % 2)).ToArray()));
        var dataset = await IdxReader.ReadDatasetAsync(dir.File("images"), dir.File("labels"));

        var report = await new DatasetValidator(new ValidationOptions { MinExamplesPerClass = 1 }).ValidateAsync(dataset);

        Assert.Equal(40, report.Counts.Sum(c => c.Total));
        Assert.Equal(40, report.Dataset.Examples.Select(e => e.ContentHash).Distinct().Count());
        Assert.DoesNotContain(report.Issues, i => i.Severity == IssueSeverity.Error);
    }
}
