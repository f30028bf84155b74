using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TransferFunctions.Torch.Serialization;
using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests.Serialization;

public class SafetensorsTests
{
    // A file as the specification describes it: u64 little-endian header length, JSON header, raw little-endian data.
    private static byte[] Assemble(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    private static byte[] LittleEndian(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    private static byte[] LittleEndian(params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }

    [Fact]
    public void Tensors_of_every_dtype_and_metadata_round_trip_through_a_file()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = torch.FromArray(new[] { 1.5f, -2f, float.Epsilon, 3e38f }, 2, 2),
            ["f64"] = torch.FromArray(new[] { Math.PI, -1e-300 }),
            ["i64"] = torch.FromArray(new[] { long.MinValue, 0, long.MaxValue }),
            ["i32"] = torch.FromArray(new[] { -7, 8 }, 1, 2),
            ["i16"] = torch.FromArray(new short[] { -300, 300 }),
            ["i8"] = torch.FromArray(new sbyte[] { -128, 127 }),
            ["u8"] = torch.FromArray(new byte[] { 0, 200, 255 }, 3, 1, 1),
            ["bool"] = torch.FromArray(new[] { true, false, true }),
            ["f16"] = torch.FromArray(new[] { (Half)1.5, (Half)(-0.25), Half.MaxValue }),
            ["bf16"] = torch.FromArray(new[] { 1.0f, -3.5f, 0.15625f, 6.5e4f }).To(ScalarType.BFloat16),
            ["scalar"] = torch.Scalar(42, ScalarType.Float64),
            ["empty"] = torch.Zeros(new long[] { 0, 3 }),
            ["strided"] = torch.Arange(0, 6).Reshape(2, 3).T(),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\" {json}" };
        var path = dir.File("all.safetensors");
        Safetensors.Save(path, tensors, metadata);
        Assert.Single(Directory.GetFiles(dir.Path)); // the temporary file was renamed, not left behind

        using var file = Safetensors.Load(path);
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(tensors.Keys.OrderBy(k => k), file.Tensors.Keys.OrderBy(k => k));
        foreach (var (name, expected) in tensors)
        {
            var actual = file[name];
            Assert.Equal(expected.DType, actual.DType);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.True(expected.NumberOfElements == 0 || expected.Eq(actual).All().Item() == 1, $"{name} differs after the round trip");
        }
        Assert.Equal(new long[] { 0, 3, 1, 4, 2, 5 }, file["strided"].ToArray<long>());
        Assert.Equal(new[] { 1.0f, -3.5f, 0.15625f, 65024f }, file["bf16"].To(ScalarType.Float32).ToArray<float>());
    }

    [Fact]
    public void A_file_assembled_by_hand_from_the_specification_loads_with_the_right_values()
    {
        var data = LittleEndian(1f, 2f, 3f, -4.5f).Concat(LittleEndian(7L, -9L, 1L << 40)).Concat(new byte[] { 1, 0, 1 }).ToArray();
        // Deliberately unsorted keys, metadata last and extra whitespace: readers must not depend on our writer's habits.
        const string header = """
            { "b": {"dtype":"I64", "shape":[3], "data_offsets":[16,40]},
              "a": {"dtype":"F32", "shape":[2,2], "data_offsets":[0,16]},
              "m": {"dtype":"BOOL", "shape":[3], "data_offsets":[40,43]},
              "s": {"dtype":"F32", "shape":[0], "data_offsets":[43,43]},
              "__metadata__": {"source": "hand"} }
            """;
        using var file = Safetensors.Deserialize(Assemble(header + "   ", data));
        Assert.Equal("hand", file.Metadata["source"]);
        Assert.Equal(new long[] { 2, 2 }, file["a"].Shape);
        Assert.Equal(new[] { 1f, 2f, 3f, -4.5f }, file["a"].ToArray<float>());
        Assert.Equal(new[] { 7L, -9L, 1L << 40 }, file["b"].ToArray<long>());
        Assert.Equal(new[] { true, false, true }, file["m"].ToArray<bool>());
        Assert.Equal(new long[] { 0 }, file["s"].Shape);
        var e = Assert.Throws<KeyNotFoundException>(() => file["missing"]);
        Assert.Contains("no tensor named 'missing'", e.Message);
    }

    [Fact]
    public void Written_files_have_the_specified_byte_layout()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["zeta"] = torch.FromArray(new[] { 1.25f, -2f, 3f, 0.5f, 8f, -1f }, 2, 3),
            ["alpha"] = torch.FromArray(new[] { 5L, -6L }),
            ["mid"] = torch.FromArray(new byte[] { 9, 8, 7 }),
        };
        var bytes = Safetensors.Serialize(tensors, new Dictionary<string, string> { ["epoch"] = "3" });

        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8); // padded with spaces to keep the data 8-byte aligned
        var headerText = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.Matches("^\\{.*\\} *$", headerText); // JSON, then only space padding
        using var header = JsonDocument.Parse(headerText);
        var root = header.RootElement;
        Assert.Equal("3", root.GetProperty("__metadata__").GetProperty("epoch").GetString());

        var names = root.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__").ToList();
        Assert.Equal(new[] { "alpha", "mid", "zeta" }, names);
        long expectedStart = 0;
        foreach (var name in names)
        {
            var entry = root.GetProperty(name);
            var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            Assert.Equal(expectedStart, offsets[0]); // contiguous, no gaps
            expectedStart = offsets[1];
        }
        Assert.Equal(8 + headerLength + expectedStart, bytes.Length);

        var data = bytes.AsSpan(8 + headerLength);
        Assert.Equal("I64", root.GetProperty("alpha").GetProperty("dtype").GetString());
        Assert.Equal(5L, BinaryPrimitives.ReadInt64LittleEndian(data[0..]));
        Assert.Equal(-6L, BinaryPrimitives.ReadInt64LittleEndian(data[8..]));
        Assert.Equal("U8", root.GetProperty("mid").GetProperty("dtype").GetString());
        Assert.Equal(new byte[] { 9, 8, 7 }, data[16..19].ToArray());
        var zeta = root.GetProperty("zeta");
        Assert.Equal("F32", zeta.GetProperty("dtype").GetString());
        Assert.Equal(new long[] { 2, 3 }, zeta.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()));
        var floats = new float[6];
        for (var i = 0; i < 6; i++) floats[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(19 + 4 * i)..]);
        Assert.Equal(new[] { 1.25f, -2f, 3f, 0.5f, 8f, -1f }, floats);
    }

    [Fact]
    public void Header_length_beyond_the_file_is_reported()
    {
        var file = Assemble("{}", Array.Empty<byte>());
        BinaryPrimitives.WriteUInt64LittleEndian(file, 1000);
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(file, "weights.safetensors"));
        Assert.Contains("weights.safetensors", e.Message);
        Assert.Contains("header length 1000 exceeds the file size", e.Message);
        var huge = Assemble("{}", Array.Empty<byte>());
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Contains("exceeds the file size", Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(huge)).Message);
    }

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_reported()
    {
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(new byte[] { 1, 2, 3 }, "tiny.safetensors"));
        Assert.Contains("tiny.safetensors: not a safetensors file", e.Message);
    }

    [Fact]
    public void A_header_that_is_not_json_is_reported()
    {
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(Assemble("{\"a\": {\"dtype\": ", new byte[4]), "bad.safetensors"));
        Assert.Contains("bad.safetensors: header is not valid JSON", e.Message);
        var notObject = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(Assemble("[1, 2]", Array.Empty<byte>())));
        Assert.Contains("header must be a JSON object", notObject.Message);
    }

    [Fact]
    public void Data_offsets_outside_the_data_section_are_reported()
    {
        var header = """{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}""";
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(Assemble(header, new byte[8]), "short.safetensors"));
        Assert.Contains("short.safetensors: tensor 'w' has data_offsets outside the data section", e.Message);
        var reversed = """{"w": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}""";
        Assert.Contains("outside the data section", Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(Assemble(reversed, new byte[8]))).Message);
    }

    [Fact]
    public void A_shape_that_does_not_match_the_data_size_is_reported()
    {
        var header = """{"ok": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}, "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [2, 18]}}""";
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(Assemble(header, new byte[18]), "mismatch.safetensors"));
        Assert.Contains("mismatch.safetensors: tensor 'w' declares shape [2, 3] Float32 (24 bytes) but its data has 16 bytes", e.Message);
    }

    [Fact]
    public void Unknown_dtypes_and_incomplete_entries_are_reported()
    {
        var unknown = """{"w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}""";
        Assert.Contains("unsupported safetensors dtype 'F8_E4M3'", Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(Assemble(unknown, new byte[1]))).Message);
        var incomplete = """{"w": {"dtype": "F32", "shape": [1]}}""";
        Assert.Contains("tensor 'w' lacks dtype, shape or data_offsets", Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(Assemble(incomplete, new byte[4]))).Message);
    }

    [Fact]
    public void Loading_a_corrupt_file_from_disk_names_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("corrupt.safetensors");
        File.WriteAllBytes(path, Assemble("not json at all", Array.Empty<byte>()));
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void A_tensor_named_like_the_metadata_key_is_refused()
    {
        using var t = torch.Zeros(new long[] { 1 });
        var e = Assert.Throws<ArgumentException>(() => Safetensors.Serialize(new Dictionary<string, Tensor> { ["__metadata__"] = t }));
        Assert.Contains("reserved", e.Message);
    }
}
