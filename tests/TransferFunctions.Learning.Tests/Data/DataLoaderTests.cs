using TorchSharp;
using static TorchSharp.torch;
using TransferFunctions.Learning.Data;
using TransferFunctions.Learning.Data.Transforms;

namespace TransferFunctions.Learning.Tests.Data;

public sealed class DataLoaderTests
{
    /// <summary>An in-memory dataset of <paramref name="count"/> 4x4 gray images; image i is filled with the value i.</summary>
    private static DatasetDescription Numbered(int count)
    {
        var pixels = new byte[count * 16];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)(i / 16);
        return new DatasetDescription
        {
            Root = Path.GetTempPath(),
            Format = DatasetFormat.Idx,
            Images = new InMemoryImages(pixels, count, 4, 4, 1),
            Examples = Enumerable.Range(0, count).Select(i => new ExampleRecord { Index = i, Label = (i % 3).ToString() }).ToArray(),
            Labels = ["0", "1", "2"],
        };
    }

    private static async Task<List<ImageBatch>> Epoch(DataLoader loader, int epoch)
    {
        var batches = new List<ImageBatch>();
        await foreach (var batch in loader.ReadEpochAsync(epoch))
            batches.Add(batch);
        return batches;
    }

    private static readonly IImageTransform Augment = new Compose(new RandomCrop(4, 4, padding: 2), new RandomHorizontalFlip());

    [Fact]
    public async Task Every_example_appears_once_per_epoch_in_batches_of_the_requested_size()
    {
        var loader = new DataLoader(Numbered(10), options: new DataLoaderOptions { BatchSize = 4, Seed = 5 });

        var batches = await Epoch(loader, 0);

        Assert.Equal([4, 4, 2], batches.Select(b => b.Count));
        Assert.Equal(3, loader.BatchCount);
        var ids = batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => (int)Math.Round(b.Pixels[i * 16] * 255))).ToList();
        Assert.Equal(Enumerable.Range(0, 10), ids.Order());
        Assert.Equal(ids, batches.SelectMany(b => b.Examples).Select(e => e.Index!.Value));
        Assert.Equal(ids.Select(i => i % 3), batches.SelectMany(b => b.Labels));
        Assert.Equal([4L, 1, 4, 4], batches[0].Shape);
    }

    [Fact]
    public async Task Drop_last_omits_the_partial_batch()
    {
        var loader = new DataLoader(Numbered(10), options: new DataLoaderOptions { BatchSize = 4, DropLast = true });

        Assert.Equal([4, 4], (await Epoch(loader, 0)).Select(b => b.Count));
    }

    [Fact]
    public async Task Same_seed_gives_identical_epochs_whatever_the_parallelism()
    {
        var serial = new DataLoader(Numbered(40), transform: Augment, options: new DataLoaderOptions { BatchSize = 8, Seed = 11, MaxParallelism = 1 });
        var parallel = new DataLoader(Numbered(40), transform: Augment, options: new DataLoaderOptions { BatchSize = 8, Seed = 11, MaxParallelism = 4, Prefetch = 1 });

        var a = await Epoch(serial, 3);
        var b = await Epoch(parallel, 3);

        Assert.Equal(a.SelectMany(x => x.Pixels), b.SelectMany(x => x.Pixels));
        Assert.Equal(a.SelectMany(x => x.Labels), b.SelectMany(x => x.Labels));
    }

    [Fact]
    public async Task Order_and_augmentation_change_with_epoch_and_seed()
    {
        var loader = new DataLoader(Numbered(40), transform: Augment, options: new DataLoaderOptions { BatchSize = 8, Seed = 11 });
        var otherSeed = new DataLoader(Numbered(40), transform: Augment, options: new DataLoaderOptions { BatchSize = 8, Seed = 12 });

        Assert.NotEqual(loader.EpochOrder(0), loader.EpochOrder(1));
        Assert.NotEqual(loader.EpochOrder(0), otherSeed.EpochOrder(0));
        Assert.NotEqual((await Epoch(loader, 0)).SelectMany(b => b.Pixels), (await Epoch(loader, 1)).SelectMany(b => b.Pixels));
    }

    /// <summary>A pass-through transform that counts the images it has seen.</summary>
    private sealed class CountingTransform : IImageTransform
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ImageArray Apply(ImageArray image, Random random)
        {
            Interlocked.Increment(ref _count);
            return image;
        }
    }

    [Fact]
    public async Task Prefetch_stays_bounded_while_the_consumer_is_slow()
    {
        var counter = new CountingTransform();
        var loader = new DataLoader(Numbered(200), transform: counter, options: new DataLoaderOptions { BatchSize = 4, Prefetch = 2 });

        await using var batches = loader.ReadEpochAsync(0).GetAsyncEnumerator();
        Assert.True(await batches.MoveNextAsync());
        await Task.Delay(500);

        // One batch consumed, two queued, one built and waiting for room: at most four batches of four.
        Assert.InRange(counter.Count, 12, 16);
        var total = 1;
        while (await batches.MoveNextAsync())
            total++;
        Assert.Equal(50, total);
        Assert.Equal(200, counter.Count);
    }

    [Fact]
    public async Task Png_files_are_decoded_to_chw_floats_and_channels_adapted()
    {
        using var dir = new TempDirectory();
        byte[] rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]; // 2x2: red, green, blue, white
        dir.Write("a/x.png", TestImages.Png(rgb, 2, 2, 3));
        dir.Write("b/y.png", TestImages.Png([0, 51, 102, 255], 2, 2, 1));
        var dataset = ImageFolderReader.Read(dir.Path);
        var loader = new DataLoader(dataset, options: new DataLoaderOptions { BatchSize = 2, Shuffle = false, Channels = 3 });

        var batch = Assert.Single(await Epoch(loader, 0));

        Assert.Equal([2L, 3, 2, 2], batch.Shape);
        Assert.Equal([1f, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1], batch.Pixels[..12]);
        Assert.Equal([0f, 0.2f, 0.4f, 1f], batch.Pixels[12..16]);
        Assert.Equal(batch.Pixels[12..16], batch.Pixels[20..24]);
        Assert.Equal([0, 1], batch.Labels);
    }

    [Fact]
    public async Task Undecodable_file_fails_the_stream_naming_the_file()
    {
        using var dir = new TempDirectory();
        dir.Write("a/good.png", TestImages.Png(2, 2));
        dir.Write("a/bad.png", "garbage");
        var loader = new DataLoader(ImageFolderReader.Read(dir.Path), options: new DataLoaderOptions { BatchSize = 1, Shuffle = false });

        var error = await Assert.ThrowsAsync<ImageDecodeException>(() => Epoch(loader, 0));

        Assert.Contains("cannot decode 'a/bad.png'", error.Message);
    }

    [Fact]
    public async Task Images_of_different_sizes_need_a_resize_and_the_error_says_so()
    {
        using var dir = new TempDirectory();
        dir.Write("a/small.png", TestImages.Png(2, 2));
        dir.Write("a/wide.png", TestImages.Png(3, 2));
        var dataset = ImageFolderReader.Read(dir.Path);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Epoch(new DataLoader(dataset, options: new DataLoaderOptions { Shuffle = false }), 0));
        var resized = await Epoch(new DataLoader(dataset, transform: new Resize(4, 4), options: new DataLoaderOptions { Shuffle = false }), 0);

        Assert.Contains("a/wide.png is 3x2x3 (CxHxW)", error.Message);
        Assert.Contains("add a Resize", error.Message);
        Assert.Equal([2L, 3, 4, 4], resized.Single().Shape);
    }

    [Fact]
    public async Task Tensor_batches_carry_images_labels_and_extra_labels()
    {
        using var dir = new TempDirectory();
        dir.Write("x.png", TestImages.Png(3, 2, seed: 1));
        dir.Write("y.png", TestImages.Png(3, 2, seed: 2));
        dir.Write("z.png", TestImages.Png(3, 2, seed: 3));
        dir.Write("manifest.csv", "path,label,material\nx.png,dog,wood\ny.png,cat,\nz.png,dog,metal\n");
        var dataset = await ManifestReader.ReadAsync(dir.File("manifest.csv"));
        var loader = new DataLoader(dataset, options: new DataLoaderOptions { BatchSize = 3, Shuffle = false });

        await foreach (var batch in loader.ReadEpochTensorsAsync(0))
        {
            using (batch)
            {
                Assert.Equal([3L, 3, 2, 3], batch.Images.shape);
                Assert.Equal([1L, 0, 1], batch.Labels.data<long>().ToArray());
                Assert.Equal([1L, -1, 0], batch.ExtraLabels["material"].data<long>().ToArray());
            }
        }
    }

    [Fact]
    public async Task Stopping_early_cancels_the_producer_without_error()
    {
        var loader = new DataLoader(Numbered(100), options: new DataLoaderOptions { BatchSize = 2, Prefetch = 2 });

        var seen = 0;
        await foreach (var _ in loader.ReadEpochAsync(0))
            if (++seen == 3)
                break;

        Assert.Equal(3, seen);
    }

    [Fact]
    public void Batch_source_adapter_yields_the_loaders_batches_as_tensors_for_the_training_loop()
    {
        var loader = new DataLoader(Numbered(10), options: new DataLoaderOptions { BatchSize = 4, Seed = 3 });
        var source = new DataLoaderBatchSource(loader);

        var labels = new List<long>();
        foreach (var batch in source.Batches(epoch: 2))
        {
            Assert.Equal(4, batch.Inputs.dim());
            labels.AddRange(batch.Targets.data<long>().ToArray());
        }

        Assert.Equal(10, source.Count);
        Assert.Equal(loader.EpochOrder(2).Select(i => (long)(i % 3)), labels);
    }
}
