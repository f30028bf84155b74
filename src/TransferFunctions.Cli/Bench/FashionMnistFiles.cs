using System.Buffers.Binary;
using System.IO.Compression;
using TransferFunctions.Torch;

namespace TransferFunctions.Cli.Bench;

/// <summary>Debian's Fashion-MNIST (package dataset-fashion-mnist) as normalized tensors.</summary>
public static class FashionMnistFiles
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    // Mean and std of the Fashion-MNIST training pixels in [0, 1].
    public const double Mean = 0.2860, Std = 0.3530;

    /// <summary>The first <paramref name="count"/> images [N, 1, 28, 28] (normalized float32) and labels [N] (int64).</summary>
    public static (Tensor Images, Tensor Labels) Load(bool train, int count, string directory = DefaultDirectory)
    {
        var prefix = train ? "train" : "t10k";
        var pixels = ReadIdx(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), 0x803, count, 28 * 28);
        var labels = ReadIdx(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"), 0x801, count, 1);
        using var scope = torch.NewDisposeScope();
        var images = torch.FromArray(pixels, new long[] { count, 1, 28, 28 }).To(ScalarType.Float32).Div(255.0).Sub(Mean).Div(Std).Contiguous();
        var y = torch.FromArray(labels, new long[] { count }).To(ScalarType.Int64);
        return (scope.MoveToOuter(images), scope.MoveToOuter(y));
    }

    private static byte[] ReadIdx(string path, int magic, int count, int itemBytes)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        Span<byte> header = stackalloc byte[8];
        stream.ReadExactly(header);
        if (BinaryPrimitives.ReadInt32BigEndian(header) != magic) throw new InvalidDataException($"{path}: not an IDX file with magic 0x{magic:x}");
        var items = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count > items) throw new InvalidDataException($"{path} holds {items} items, {count} requested");
        var dims = (magic & 0xff) - 1;
        if (dims > 0) stream.ReadExactly(new byte[4 * dims]);
        var data = new byte[count * itemBytes];
        stream.ReadExactly(data);
        return data;
    }
}
