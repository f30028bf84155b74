using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Tests.Data;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Engine;

public sealed class SafetensorsTests
{
    private static byte[] Assemble(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    [Fact]
    public void Tensors_of_every_dtype_and_metadata_round_trip_through_a_file()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = tensor(new[] { 1.5f, -2f, float.Epsilon, 3e38f }, new long[] { 2, 2 }),
            ["f64"] = tensor(new[] { Math.PI, -1e-300 }),
            ["i64"] = tensor(new[] { long.MinValue, 0, long.MaxValue }),
            ["i32"] = tensor(new[] { -7, 8 }, new long[] { 1, 2 }),
            ["i16"] = tensor(new short[] { -300, 300 }),
            ["u8"] = tensor(new byte[] { 0, 200, 255 }, new long[] { 3, 1, 1 }),
            ["bool"] = tensor(new[] { true, false, true }),
            ["bf16"] = tensor(new[] { 1.0f, -3.5f, 0.15625f, 6.5e4f }).to(ScalarType.BFloat16),
            ["f16"] = tensor(new[] { 1.5f, -0.25f }).to(ScalarType.Float16),
            ["empty"] = zeros(0, 3),
            ["strided"] = arange(0, 6, dtype: ScalarType.Int64).reshape(2, 3).t(),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\" {json}" };
        var path = dir.File("all.safetensors");
        Safetensors.Save(path, tensors, metadata);

        using var file = Safetensors.Load(path);
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(tensors.Keys.Order(), file.Tensors.Keys.Order());
        foreach (var (name, expected) in tensors)
        {
            var actual = file[name];
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.NumberOfElements == 0 || expected.eq(actual).all().item<bool>(), $"{name} differs after the round trip");
        }
        Assert.Equal(new long[] { 0, 3, 1, 4, 2, 5 }, file["strided"].data<long>().ToArray());
        Assert.Equal(new[] { 1.0f, -3.5f, 0.15625f, 65024f }, file["bf16"].to(ScalarType.Float32).data<float>().ToArray());
    }

    [Fact]
    public void Written_files_have_the_specified_layout_sorted_padded_with_metadata()
    {
        using var a = tensor(new[] { 1f, 2f });
        using var b = tensor(new[] { 3L });
        var bytes = Safetensors.Serialize([new("zeta", a), new("alpha", b)], new Dictionary<string, string> { ["format"] = "pt" });
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.Equal("{\"__metadata__\":{\"format\":\"pt\"},\"alpha\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},\"zeta\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", header.TrimEnd(' '));
        Assert.Equal(3L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 + headerLength)));
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + headerLength + 12)));
    }

    [Fact]
    public void TorchSharp_PyBridge_and_numpy_read_our_files_with_the_same_values()
    {
        using var dir = new TempDirectory();
        using var w = tensor(new[] { 0.5f, -1.25f, 3f, 4f, 5f, 6f }, new long[] { 2, 3 });
        using var n = tensor(new[] { 9L, -2L });
        var path = dir.File("pair.safetensors");
        Safetensors.Save(path, [new("weight", w), new("count", n)], new Dictionary<string, string> { ["format"] = "pt" });

        var read = TorchSharp.PyBridge.Safetensors.LoadStateDict(path);
        Assert.True(read["weight"].eq(w).all().item<bool>());
        Assert.True(read["count"].eq(n).all().item<bool>());
        foreach (var t in read.Values) t.Dispose();

        // The format as the reference implementation lays it out, decoded by numpy in Debian's python3.
        var code = $$"""
            import json, struct, numpy as np
            b = open({{JsonSerializer.Serialize(path)}}, 'rb').read()
            n = struct.unpack('<Q', b[:8])[0]
            h = json.loads(b[8:8 + n]); data = b[8 + n:]
            out = {}
            for k, v in h.items():
                if k == '__metadata__': continue
                s, e = v['data_offsets']
                out[k] = np.frombuffer(data[s:e], {'F32': '<f4', 'I64': '<i8'}[v['dtype']]).reshape(v['shape']).tolist()
            print(json.dumps({'tensors': out, 'meta': h['__metadata__'], 'aligned': (8 + n) % 8 == 0}))
            """;
        var result = JsonDocument.Parse(PythonRunner.Run(code)).RootElement;
        Assert.Equal("[[0.5,-1.25,3.0],[4.0,5.0,6.0]]", result.GetProperty("tensors").GetProperty("weight").GetRawText().Replace(" ", ""));
        Assert.Equal("[9,-2]", result.GetProperty("tensors").GetProperty("count").GetRawText().Replace(" ", ""));
        Assert.Equal("pt", result.GetProperty("meta").GetProperty("format").GetString());
        Assert.True(result.GetProperty("aligned").GetBoolean());
    }

    [Fact]
    public void A_hand_assembled_file_with_unsorted_keys_and_whitespace_loads()
    {
        var data = new byte[12];
        BinaryPrimitives.WriteSingleLittleEndian(data, 2.5f);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(4), -7);
        using var file = Safetensors.Deserialize(Assemble("""{ "b": {"dtype":"I64","shape":[1],"data_offsets":[4,12]}, "a": {"dtype":"F32","shape":[],"data_offsets":[0,4]} ,"__metadata__":{"k":"v"}}  """, data));
        Assert.Equal(2.5f, file["a"].item<float>());
        Assert.Equal(-7L, file["b"].data<long>()[0]);
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", "data_offsets outside the data section")]
    [InlineData("""{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "declares shape [3]")]
    [InlineData("""{"x":{"dtype":"Q9","shape":[2],"data_offsets":[0,8]}}""", "unsupported safetensors dtype 'Q9'")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2]}}""", "lacks dtype, shape or data_offsets")]
    [InlineData("not json", "header is not valid JSON")]
    public void Malformed_files_are_refused_with_a_specific_reason(string header, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(Assemble(header, new byte[8]), "bad.safetensors"));
        Assert.Contains("bad.safetensors", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.Contains("shorter than its 8-byte header length", Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(new byte[3])).Message);
        var tooLong = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(tooLong, 1000);
        Assert.Contains("exceeds the file size", Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(tooLong)).Message);
    }

    [Fact]
    public void The_shipped_base_model_loads_with_its_recorded_digest_and_torchvision_names()
    {
        var dir = Path.Combine(RepoRoot.Path, "models", "base", "fashion-compact");
        using var package = ModelPackage.Load(dir);
        Assert.Equal("sha256:00d95181d03875d52eca087af9ab0b1e86c18c3880cb3b954b3eeabc28e184e4", package.Card.WeightsDigest);
        Assert.StartsWith("MIT (model weights); trained on Fashion-MNIST", package.Card.License, StringComparison.Ordinal);
        var names = package.Model.state_dict().Keys.ToHashSet();
        Assert.Contains("layer1.0.conv1.weight", names);
        Assert.Contains("layer2.0.downsample.1.running_var", names);
        Assert.Contains("bn1.num_batches_tracked", names);
        Assert.Contains("fc.weight", names);
        // Re-serializing the loaded weights gives the published bytes back.
        var (weights, card) = package.Serialize();
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, ModelPackage.WeightsFile)), weights);
        Assert.Equal(package.Card.WeightsDigest, card.WeightsDigest);
    }
}
