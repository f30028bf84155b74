using System.Buffers.Binary;
using System.IO.Compression;

namespace TransferFunctions.Torch.Tests.Support;

/// <summary>Reads the first N examples of Debian's gzipped Fashion-MNIST IDX files.</summary>
internal static class FashionMnist
{
    public const string Directory = "/usr/share/datasets/fashion-mnist";
    public const int Side = 28;

    /// <summary>Pixels of the first <paramref name="count"/> images, row-major, one byte each.</summary>
    public static byte[] Images(string split, int count) => Read($"{split}-images-idx3-ubyte.gz", 0x803, count, Side * Side);

    public static byte[] Labels(string split, int count) => Read($"{split}-labels-idx1-ubyte.gz", 0x801, count, 1);

    private static byte[] Read(string name, int magic, int count, int itemBytes)
    {
        var path = Path.Combine(Directory, name);
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var dims = magic & 0xFF;
        var header = new byte[4 + 4 * dims];
        gz.ReadExactly(header);
        if (BinaryPrimitives.ReadInt32BigEndian(header) != magic) throw new InvalidDataException($"{path}: not an IDX file with magic 0x{magic:X}");
        var available = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        if (available < count) throw new InvalidDataException($"{path}: holds {available} items, {count} requested");
        for (var d = 1; d < dims; d++)
            if (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + 4 * d)) != Side) throw new InvalidDataException($"{path}: images are not {Side}x{Side}");
        var data = new byte[count * itemBytes];
        gz.ReadExactly(data);
        return data;
    }
}
