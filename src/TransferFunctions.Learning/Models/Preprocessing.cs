using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Models;

/// <summary>Turns uint8 images into what a model's <see cref="InputSpec"/> expects, on tensors (fast, batched).</summary>
public static class Preprocessing
{
    /// <summary>
    /// uint8 [N, H, W, C] → float32 [N, C', H', W']: channels adapted (gray→RGB by repetition,
    /// RGB→gray by ITU-R 601 luma, alpha dropped), bilinear resize when sizes differ, then normalized.
    /// </summary>
    public static Tensor ToModelInput(Tensor nhwc, InputSpec spec)
    {
        using var scope = NewDisposeScope();
        var x = nhwc.permute(0, 3, 1, 2).to(ScalarType.Float32).div(255.0);
        x = AdaptChannels(x, spec.Channels);
        if (x.size(2) != spec.Height || x.size(3) != spec.Width)
            x = nn.functional.interpolate(x, new long[] { spec.Height, spec.Width }, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        var mean = tensor(spec.Mean.Select(v => (float)v).ToArray(), new long[] { 1, spec.Channels, 1, 1 }, device: x.device);
        var std = tensor(spec.Std.Select(v => (float)v).ToArray(), new long[] { 1, spec.Channels, 1, 1 }, device: x.device);
        return scope.MoveToOuter(x.sub(mean).div(std).contiguous());
    }

    /// <summary>Adapts [N, C, H, W] float images to <paramref name="channels"/> channels.</summary>
    public static Tensor AdaptChannels(Tensor x, int channels)
    {
        var c = x.size(1);
        if (c == 4) x = x.slice(1, 0, 3, 1);
        c = Math.Min(c, 3);
        if (c == channels) return x;
        if (c == 1 && channels == 3) return x.expand(x.size(0), 3, x.size(2), x.size(3));
        if (c == 3 && channels == 1)
        {
            using var w = tensor(new[] { 0.299f, 0.587f, 0.114f }, new long[] { 1, 3, 1, 1 }, device: x.device);
            return x.mul(w).sum(1, keepdim: true);
        }
        throw new ArgumentException($"cannot adapt {c}-channel images to {channels} channels");
    }

    /// <summary>
    /// Light augmentation for small grayscale/colour images: horizontal flip of a random half of the
    /// batch and a random shift of up to <paramref name="maxShift"/> pixels (zero padded), both drawn
    /// from libtorch's seeded generator. <paramref name="padValue"/> should be the normalized black level.
    /// </summary>
    public static Tensor Augment(Tensor batch, int maxShift = 2, double padValue = 0)
    {
        using var scope = NewDisposeScope();
        var n = batch.size(0);
        // Drawn on the CPU generator whatever the batch's device, so a seed gives the same augmentation everywhere.
        var flip = rand(n).lt(0.5).view(n, 1, 1, 1).to(batch.device);
        var x = where(flip, batch.flip(3), batch);
        if (maxShift > 0)
        {
            var offsets = randint(0, 2 * maxShift + 1, new long[] { 2 }, dtype: ScalarType.Int64).data<long>().ToArray();
            long h = x.size(2), w = x.size(3);
            var padded = nn.functional.pad(x, new long[] { maxShift, maxShift, maxShift, maxShift }, PaddingModes.Constant, padValue);
            x = padded.slice(2, offsets[0], offsets[0] + h, 1).slice(3, offsets[1], offsets[1] + w, 1);
        }
        return scope.MoveToOuter(x.contiguous());
    }
}
