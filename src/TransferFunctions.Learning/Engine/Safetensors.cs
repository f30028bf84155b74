using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Engine;

/// <summary>
/// The safetensors format (8-byte little-endian header length, a JSON header of
/// <c>{name: {dtype, shape, data_offsets}, "__metadata__": {..}}</c>, then the raw little-endian data) over
/// TorchSharp tensors. Readers accept any file that follows the format; the writer sorts tensors by name, writes
/// string metadata and pads the header with spaces to a multiple of 8 bytes, as the reference implementation does.
/// </summary>
/// <remarks>
/// Why not TorchSharp.PyBridge's <c>Safetensors</c>: its writer drops <c>__metadata__</c> (our packages record their
/// format and architecture there), does not pad the header (the reference writers align the data to 8 bytes) and
/// keeps dictionary order (so equal weights could give different bytes and digests); its reader does not check
/// offsets against the file, so a truncated or hostile file surfaces as an unexplained exception. The tests read
/// our files with PyBridge's reader and with PyTorch's <c>safetensors</c> to prove the bytes follow the format.
/// </remarks>
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
        ScalarType.Byte => "U8",
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
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"unsupported safetensors dtype '{name}'"),
    };

    private static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    /// <summary>Serializes tensors (copied to CPU, made contiguous) and optional string metadata.</summary>
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
                json.WriteString("dtype", DTypeName(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var s in tensor.shape) json.WriteNumberValue(s);
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

    /// <summary>Parses a safetensors buffer into CPU tensors; every error names the file and what is wrong with it.</summary>
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
        ScalarType dtype;
        try
        {
            dtype = ParseDType(dt.GetString() ?? "");
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"{source}: tensor '{entry.Name}': {error.Message}", error);
        }
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
        if (count * ElementSize(dtype) != bytes.Length)
            throw new InvalidDataException($"{source}: tensor '{entry.Name}' declares shape [{string.Join(", ", shape)}] {dtype} ({count * ElementSize(dtype)} bytes) but its data has {bytes.Length} bytes");
        var tensor = empty(shape, dtype: dtype);
        if (bytes.Length > 0) bytes.CopyTo(tensor.bytes);
        return tensor;
    }

    private static byte[] RawBytes(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        return cpu.NumberOfElements == 0 ? [] : cpu.bytes.ToArray();
    }
}
