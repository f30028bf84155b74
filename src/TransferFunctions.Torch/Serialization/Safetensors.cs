using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace TransferFunctions.Torch.Serialization;

/// <summary>
/// The safetensors format (8-byte little-endian header length, a JSON header of
/// <c>{name: {dtype, shape, data_offsets}, "__metadata__": {..}}</c>, then the raw little-endian
/// data). Readers accept any file that follows the format; the writer sorts tensors by name and pads
/// the header with spaces to a multiple of 8 bytes, as the reference implementation does.
/// </summary>
public static class Safetensors
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    public static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.UInt8 => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors has no dtype for {type}"),
    };

    public static ScalarType ParseDType(string name) => name switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.UInt8,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"unsupported safetensors dtype '{name}'"),
    };

    /// <summary>Serializes tensors (moved to CPU, made contiguous) and optional string metadata.</summary>
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var blobs = new List<byte[]>(ordered.Count);
        using var headerStream = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerStream))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in ordered)
            {
                if (name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor");
                var bytes = RawBytes(tensor);
                blobs.Add(bytes);
                json.WriteStartObject(name);
                json.WriteString("dtype", DTypeName(tensor.DType));
                json.WriteStartArray("shape");
                foreach (var s in tensor.Shape) json.WriteNumberValue(s);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes.Length;
            }
            json.WriteEndObject();
        }
        var header = headerStream.ToArray();
        var padded = (header.Length + 7) / 8 * 8;
        var total = 8 + padded + blobs.Sum(b => (long)b.Length);
        var result = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        header.CopyTo(result, 8);
        result.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        long pos = 8 + padded;
        foreach (var b in blobs)
        {
            b.CopyTo(result, pos);
            pos += b.Length;
        }
        return result;
    }

    /// <summary>Writes atomically: a temporary file beside the target, then a rename, so no reader sees half a file.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var bytes = Serialize(tensors, metadata);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public static SafetensorsFile Load(string path) => Deserialize(File.ReadAllBytes(path), path);

    /// <summary>Parses a safetensors buffer; every error names the file and what is wrong with it.</summary>
    public static SafetensorsFile Deserialize(ReadOnlySpan<byte> data, string source = "<memory>")
    {
        if (data.Length < 8) throw new InvalidDataException($"{source}: not a safetensors file (shorter than its 8-byte header length)");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, data.Length - 8))
            throw new InvalidDataException($"{source}: header length {headerLength} exceeds the file size or the {MaxHeaderBytes}-byte limit");
        var headerBytes = data.Slice(8, (int)headerLength);
        var body = data[(8 + (int)headerLength)..];
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(Encoding.UTF8.GetString(headerBytes).TrimEnd(' ', '\0'));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: header is not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{source}: header must be a JSON object");
            var metadata = new Dictionary<string, string>();
            var tensors = new Dictionary<string, Tensor>();
            try
            {
                foreach (var entry in doc.RootElement.EnumerateObject())
                {
                    if (entry.Name == MetadataKey)
                    {
                        foreach (var m in entry.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                        continue;
                    }
                    tensors[entry.Name] = ReadTensor(entry, body, source);
                }
            }
            catch
            {
                foreach (var t in tensors.Values) t.Dispose();
                throw;
            }
            return new SafetensorsFile(tensors, metadata);
        }
    }

    private static Tensor ReadTensor(JsonProperty entry, ReadOnlySpan<byte> body, string source)
    {
        var e = entry.Value;
        if (!e.TryGetProperty("dtype", out var dt) || !e.TryGetProperty("shape", out var sh) || !e.TryGetProperty("data_offsets", out var off))
            throw new InvalidDataException($"{source}: tensor '{entry.Name}' lacks dtype, shape or data_offsets");
        var dtype = ParseDType(dt.GetString() ?? "");
        var shape = sh.EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var offsets = off.EnumerateArray().Select(x => x.GetInt64()).ToArray();
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > body.Length)
            throw new InvalidDataException($"{source}: tensor '{entry.Name}' has data_offsets outside the data section");
        long count = 1;
        foreach (var s in shape)
        {
            if (s < 0) throw new InvalidDataException($"{source}: tensor '{entry.Name}' has a negative dimension");
            count *= s;
        }
        var bytes = body[(int)offsets[0]..(int)offsets[1]];
        if (count * TensorTypes.ElementSize(dtype) != bytes.Length)
            throw new InvalidDataException($"{source}: tensor '{entry.Name}' declares shape [{string.Join(", ", shape)}] {dtype} ({count * TensorTypes.ElementSize(dtype)} bytes) but its data has {bytes.Length} bytes");
        return FromBytes(bytes, dtype, shape);
    }

    private static Tensor FromBytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape)
    {
        // Half-precision types travel as raw 16-bit words; the tensor is reinterpreted natively.
        return dtype switch
        {
            ScalarType.Float32 => torch.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes), shape),
            ScalarType.Float64 => torch.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes), shape),
            ScalarType.Int64 => torch.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes), shape),
            ScalarType.Int32 => torch.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes), shape),
            ScalarType.Int16 => torch.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(bytes), shape),
            ScalarType.Int8 => torch.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(bytes), shape),
            ScalarType.UInt8 => torch.FromArray(bytes, shape),
            ScalarType.Bool => torch.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, bool>(bytes), shape),
            ScalarType.Float16 => torch.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes), shape),
            ScalarType.BFloat16 => FromBFloat16(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bytes), shape),
            _ => throw new NotSupportedException($"reading {dtype} from safetensors is not supported"),
        };
    }

    private static byte[] RawBytes(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.Detach().Cpu();
        return cpu.DType switch
        {
            ScalarType.Float32 => AsBytes(cpu.ToArray<float>()),
            ScalarType.Float64 => AsBytes(cpu.ToArray<double>()),
            ScalarType.Int64 => AsBytes(cpu.ToArray<long>()),
            ScalarType.Int32 => AsBytes(cpu.ToArray<int>()),
            ScalarType.Int16 => AsBytes(cpu.ToArray<short>()),
            ScalarType.Int8 => AsBytes(cpu.ToArray<sbyte>()),
            ScalarType.UInt8 => cpu.ToArray<byte>(),
            ScalarType.Bool => AsBytes(cpu.ToArray<bool>()),
            ScalarType.Float16 => AsBytes(cpu.ToArray<Half>()),
            ScalarType.BFloat16 => AsBytes(cpu.To(ScalarType.Float32).ToArray<float>().Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray()),
            _ => throw new NotSupportedException($"writing {cpu.DType} to safetensors is not supported"),
        };
    }

    // .NET has no bfloat16 type: bfloat16 is the upper half of a float32, so widening and narrowing back are exact.
    private static Tensor FromBFloat16(ReadOnlySpan<ushort> bits, long[] shape)
    {
        var widened = new float[bits.Length];
        for (var i = 0; i < bits.Length; i++) widened[i] = BitConverter.UInt32BitsToSingle((uint)bits[i] << 16);
        using var scope = torch.NewDisposeScope();
        return scope.MoveToOuter(torch.FromArray<float>(widened, shape).To(ScalarType.BFloat16));
    }

    private static byte[] AsBytes<T>(T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
