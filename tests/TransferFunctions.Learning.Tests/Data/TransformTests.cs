using TransferFunctions.Learning.Data.Transforms;

namespace TransferFunctions.Learning.Tests.Data;

public sealed class TransformTests
{
    private static readonly Random Unused = new(0);

    private static ImageArray Gray(int height, int width, params float[] values) => new(1, height, width, values);

    private static void Near(float[] expected, float[] actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Bilinear_upscale_samples_pixel_centres()
    {
        // Source coordinates (o + 0.5) / 2 - 0.5 clamp at 0: weights 0, .25, .75, 1 along each axis,
        // so out[y, x] = c[x] + 2 c[y] with c = [0, .25, .75, 1].
        var output = new Resize(4, 4).Apply(Gray(2, 2, 0, 1, 2, 3), Unused);

        Near([0, .25f, .75f, 1, .5f, .75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3], output.Data);
    }

    [Fact]
    public void Bilinear_downscale_to_uneven_size_interpolates_between_rows()
    {
        // 4x4 ramp v = 4y + x resized to 3x2: rows sample y = 1/6, 3/2, 17/6 and columns x = 1/2, 5/2.
        var ramp = Gray(4, 4, Enumerable.Range(0, 16).Select(i => (float)i).ToArray());

        var output = new Resize(3, 2).Apply(ramp, Unused);

        Near([4 / 6f + .5f, 4 / 6f + 2.5f, 6.5f, 8.5f, 68 / 6f + .5f, 68 / 6f + 2.5f], output.Data);
    }

    [Fact]
    public void Center_crop_takes_the_middle_window_per_channel()
    {
        // Two channels of 4x5: channel 1 is channel 0 plus 100. Window rows 1..2, columns 1..3.
        var data = Enumerable.Range(0, 20).Select(i => (float)i).Concat(Enumerable.Range(0, 20).Select(i => i + 100f)).ToArray();

        var output = new CenterCrop(2, 3).Apply(new ImageArray(2, 4, 5, data), Unused);

        Assert.Equal([6f, 7, 8, 11, 12, 13, 106, 107, 108, 111, 112, 113], output.Data);
    }

    [Fact]
    public void Random_crop_with_padding_fills_outside_with_zeros_and_covers_every_offset()
    {
        var image = Gray(2, 2, 1, 2, 3, 4);
        var seen = new HashSet<string>();

        for (var seed = 0; seed < 200; seed++)
            seen.Add(string.Join(",", new RandomCrop(2, 2, padding: 1).Apply(image, new Random(seed)).Data));

        // The nine windows of the zero-padded 4x4 image, by hand.
        string[] expected =
        [
            "0,0,0,1", "0,0,1,2", "0,0,2,0",
            "0,1,0,3", "1,2,3,4", "2,0,4,0",
            "0,3,0,0", "3,4,0,0", "4,0,0,0",
        ];
        Assert.Equal(expected.Order(), seen.Order());
    }

    [Fact]
    public void Random_crop_is_reproducible_for_the_same_random_seed()
    {
        var image = Gray(3, 3, Enumerable.Range(1, 9).Select(i => (float)i).ToArray());
        var crop = new RandomCrop(2, 2, padding: 2);

        Assert.Equal(crop.Apply(image, new Random(42)).Data, crop.Apply(image, new Random(42)).Data);
    }

    [Fact]
    public void Horizontal_flip_mirrors_each_row_of_each_channel()
    {
        var image = new ImageArray(2, 2, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

        Assert.Equal([3f, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10], new RandomHorizontalFlip(1.0).Apply(image, Unused).Data);
        Assert.Same(image, new RandomHorizontalFlip(0.0).Apply(image, Unused));
    }

    [Fact]
    public void Normalize_subtracts_mean_and_divides_by_std_per_channel()
    {
        var image = new ImageArray(2, 1, 2, [1, 0, 0.5f, 0.9f]);

        var output = new Normalize([0.5f, 0.1f], [0.25f, 0.2f]).Apply(image, Unused);

        Near([2, -2, 2, 4], output.Data);
    }

    [Fact]
    public void Normalize_rejects_a_channel_count_mismatch()
    {
        var error = Assert.Throws<ArgumentException>(() => Normalize.ImageNet.Apply(Gray(1, 1, 0), Unused));
        Assert.Contains("set for 3 channels but the image has 1", error.Message);
    }

    [Fact]
    public void Gray_to_rgb_repeats_the_channel_and_rgb_to_gray_uses_bt601_luma()
    {
        var gray = Gray(1, 2, 0.25f, 1);
        var rgb = new ImageArray(3, 1, 2, [1, 0.2f, 0, 0.4f, 0, 0.6f]);

        Assert.Equal([0.25f, 1, 0.25f, 1, 0.25f, 1], new AdaptChannels(3).Apply(gray, Unused).Data);
        // Pixel 0 is pure red: 0.299. Pixel 1 is (0.2, 0.4, 0.6): 0.0598 + 0.2348 + 0.0684 = 0.363.
        Near([0.299f, 0.363f], new AdaptChannels(1).Apply(rgb, Unused).Data);
    }

    [Fact]
    public void Hwc_bytes_become_chw_floats_in_unit_range_and_back()
    {
        byte[] hwc = [255, 0, 51, 102, 153, 204]; // two RGB pixels

        var image = ImageArray.FromHwcBytes(hwc, 1, 2, 3);

        Near([1, 0.4f, 0, 0.6f, 0.2f, 0.8f], image.Data);
        Assert.Equal(hwc, image.ToHwcBytes());
    }

    [Fact]
    public void Compose_applies_transforms_in_order()
    {
        var pipeline = new Compose(new AdaptChannels(3), new RandomHorizontalFlip(1.0), new Normalize([0, 0, 0], [0.5f, 0.5f, 0.5f]));

        var output = pipeline.Apply(Gray(1, 2, 0.1f, 0.2f), Unused);

        Near([0.4f, 0.2f, 0.4f, 0.2f, 0.4f, 0.2f], output.Data);
    }
}
