using N = TransferFunctions.Torch.Interop.NativeMethods;

namespace TransferFunctions.Torch;

/// <summary>PNG/JPEG/BMP/GIF decoding (stb_image in the native library), PNG encoding, and conversion to model input.</summary>
public static class Images
{
    /// <summary>Default ceiling on decoded pixels (64 megapixels): larger images are refused before any pixel buffer exists.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    public static unsafe ImageInfo ReadInfo(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            N.Check(N.tfn_image_info(p, bytes.Length, out var w, out var h, out var c));
            return new ImageInfo(w, h, c);
        }
    }

    /// <summary>Decodes to a uint8 tensor [H, W, C]; <paramref name="channels"/> 0 keeps the file's channel count.</summary>
    public static unsafe Tensor Decode(ReadOnlySpan<byte> bytes, int channels = 0, long maxPixels = DefaultMaxPixels)
    {
        if (channels is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), "channels must be 0 (as stored) or 1 to 4");
        fixed (byte* p = bytes) return new Tensor(N.tfn_image_decode(p, bytes.Length, maxPixels, channels));
    }

    /// <summary>Encodes a uint8 [H, W, C] tensor (C = 1..4) as a PNG file's bytes.</summary>
    public static byte[] EncodePng(Tensor image)
    {
        using var bytes = Tensor.Wrap(N.tfn_image_encode_png(image.Ptr), image).DetachFromDisposeScope();
        return bytes.ToArray<byte>();
    }

    /// <summary>Converts uint8 [H, W, C] to float32 [C, H, W] in [0, 1].</summary>
    public static Tensor ToFloatChw(Tensor hwc)
    {
        using var scope = torch.NewDisposeScope();
        var chw = hwc.Permute(2, 0, 1).To(ScalarType.Float32).Div(255.0).Contiguous();
        return scope.MoveToOuter(chw);
    }

    /// <summary>Bilinear resize of a float [C, H, W] (or [N, C, H, W]) tensor.</summary>
    public static Tensor Resize(Tensor image, long height, long width, bool antialias = true)
    {
        using var scope = torch.NewDisposeScope();
        var batched = image.Dim == 3 ? image.Unsqueeze(0) : image;
        var resized = Functional.InterpolateBilinear(batched, height, width, alignCorners: false, antialias: antialias);
        return scope.MoveToOuter(image.Dim == 3 ? resized.Squeeze(0) : resized);
    }
}
