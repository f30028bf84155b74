using TransferFunctions.Torch;

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
        using var scope = torch.NewDisposeScope();
        var x = nhwc.Permute(0, 3, 1, 2).To(ScalarType.Float32).Div(255.0);
        x = AdaptChannels(x, spec.Channels);
        if (x.Size(2) != spec.Height || x.Size(3) != spec.Width)
            x = Functional.InterpolateBilinear(x, spec.Height, spec.Width, antialias: true);
        var mean = torch.FromArray(spec.Mean.Select(v => (float)v).ToArray(), 1, spec.Channels, 1, 1);
        var std = torch.FromArray(spec.Std.Select(v => (float)v).ToArray(), 1, spec.Channels, 1, 1);
        return scope.MoveToOuter(x.Sub(mean).Div(std).Contiguous());
    }

    /// <summary>Adapts [N, C, H, W] float images to <paramref name="channels"/> channels.</summary>
    public static Tensor AdaptChannels(Tensor x, int channels)
    {
        var c = x.Size(1);
        if (c == 4) x = x.Slice(1, 0, 3);
        c = Math.Min(c, 3);
        if (c == channels) return x;
        if (c == 1 && channels == 3) return x.Expand(x.Size(0), 3, x.Size(2), x.Size(3));
        if (c == 3 && channels == 1)
        {
            using var w = torch.FromArray(new[] { 0.299f, 0.587f, 0.114f }, 1, 3, 1, 1);
            return x.Mul(w).Sum(1, keepDim: true);
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
        using var scope = torch.NewDisposeScope();
        var n = batch.Size(0);
        var flip = torch.Rand(new[] { n }).Lt(0.5).View(n, 1, 1, 1);
        var x = torch.Where(flip, batch.Flip(3), batch);
        if (maxShift > 0)
        {
            var offsets = torch.RandInt(0, 2 * maxShift + 1, new long[] { 2 }).ToArray<long>();
            long h = x.Size(2), w = x.Size(3);
            var padded = x.Pad(new long[] { maxShift, maxShift, maxShift, maxShift }, padValue);
            x = padded.Slice(2, offsets[0], offsets[0] + h).Slice(3, offsets[1], offsets[1] + w);
        }
        return scope.MoveToOuter(x.Contiguous());
    }
}
