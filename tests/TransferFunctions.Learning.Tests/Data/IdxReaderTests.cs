using System.Buffers.Binary;
using System.IO.Compression;
using TransferFunctions.Learning.Data;

namespace TransferFunctions.Learning.Tests.Data;

public sealed class IdxReaderTests
{
    internal static byte[] IdxImages(int count, int rows, int cols, Func<int, byte> pixel, int magic = IdxReader.ImagesMagic)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (var i = 16; i < bytes.Length; i++)
            bytes[i] = pixel(i - 16);
        return bytes;
    }

    internal static byte[] IdxLabels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(raw);
        return output.ToArray();
    }

    [Fact]
    public async Task Raw_and_gzipped_idx_files_read_to_the_same_images_and_labels()
    {
        using var dir = new TempDirectory();
        var images = IdxImages(3, 2, 2, i => (byte)(i * 10));
        var labels = IdxLabels(2, 0, 2);
        dir.Write("raw-images", images);
        dir.Write("raw-labels", labels);
        dir.Write("gz-images.gz", Gzip(images));
        dir.Write("gz-labels.gz", Gzip(labels));

        var raw = await IdxReader.ReadDatasetAsync(dir.File("raw-images"), dir.File("raw-labels"));
        var gz = await IdxReader.ReadDatasetAsync(dir.File("gz-images.gz"), dir.File("gz-labels.gz"), ["zero", "one", "two"]);

        Assert.Equal(DatasetFormat.Idx, raw.Format);
        Assert.Equal(3, raw.Images!.Count);
        Assert.Equal((2, 2, 1), (raw.Images.Height, raw.Images.Width, raw.Images.Channels));
        Assert.Equal(new byte[] { 40, 50, 60, 70 }, raw.Images.Image(1).ToArray());
        Assert.Equal(raw.Images.Pixels, gz.Images!.Pixels);
        Assert.Equal(["2", "0", "2"], raw.Examples.Select(e => e.Label));
        Assert.Equal(["0", "1", "2"], raw.Labels);
        Assert.Equal(["two", "zero", "two"], gz.Examples.Select(e => e.Label));
        Assert.Equal([0, 1, 2], gz.Examples.Select(e => e.Index ?? -1));
    }

    [Fact]
    public async Task Wrong_magic_number_is_rejected_naming_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("images", IdxImages(1, 2, 2, _ => 0, magic: 0x00000801));

        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => IdxReader.ReadImagesAsync(path));

        Assert.Contains("0x00000801 is not an IDX image file", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task Image_and_label_counts_must_match()
    {
        using var dir = new TempDirectory();
        dir.Write("images", IdxImages(3, 2, 2, _ => 0));
        dir.Write("labels", IdxLabels(1, 2));

        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => IdxReader.ReadDatasetAsync(dir.File("images"), dir.File("labels")));

        Assert.Contains("2 labels but", error.Message);
        Assert.Contains("3 images", error.Message);
    }

    [Fact]
    public async Task Truncated_image_file_is_rejected_with_expected_and_actual_sizes()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("images", IdxImages(2, 2, 2, _ => 0)[..^1]);

        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => IdxReader.ReadImagesAsync(path));

        Assert.Contains("declares 2 images of 2x2 (24 bytes with the header) but the file holds 23 bytes", error.Message);
    }

    [Fact]
    public async Task Fashion_mnist_test_set_loads_with_class_names()
    {
        var dataset = await FashionMnist.LoadAsync(train: false);

        Assert.Equal(10_000, dataset.Examples.Count);
        Assert.Equal((28, 28, 1), (dataset.Images!.Height, dataset.Images.Width, dataset.Images.Channels));
        Assert.Equal(FashionMnist.ClassNames, dataset.Labels);
        Assert.Equal(["Ankle boot", "Pullover", "Trouser", "Trouser", "Shirt"], dataset.Examples.Take(5).Select(e => e.Label));
        Assert.All(dataset.Labels, label => Assert.Equal(1000, dataset.Examples.Count(e => e.Label == label)));
        // Sum of the first image's pixels, computed independently with Python's gzip module.
        Assert.Equal(33456, dataset.Images.Image(0).ToArray().Sum(b => b));
    }
}
