using System.Runtime.InteropServices;
using Google.Protobuf;

namespace TransferFunctions.Importers.Onnx;

/// <summary>
/// Decodes the few onnx.proto messages the importer needs with protobuf's <see cref="CodedInputStream"/>; field numbers are
/// those of onnx/onnx.proto (IR version 3+). Unknown fields are skipped, so newer files read as long as these fields mean
/// what they meant. Hand-written rather than generated: five messages do not justify a protoc step in the build.
/// </summary>
internal static class OnnxReader
{
    public static OnnxModel ReadModel(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        long ir = 0;
        string producer = "", producerVersion = "";
        var opsets = new Dictionary<string, long>();
        OnnxGraph? graph = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: ir = input.ReadInt64(); break;
                case 2: producer = input.ReadString(); break;
                case 3: producerVersion = input.ReadString(); break;
                case 7: graph = ReadGraph(Sub(input)); break;
                case 8:
                    var (domain, version) = ReadOpset(Sub(input));
                    opsets[domain] = version;
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxModel(ir, producer, producerVersion, opsets, graph ?? throw new InvalidDataException("the ONNX model has no graph"));
    }

    private static CodedInputStream Sub(CodedInputStream input) => new(input.ReadBytes().ToByteArray());

    private static (string Domain, long Version) ReadOpset(CodedInputStream input)
    {
        string domain = "";
        long version = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: domain = input.ReadString(); break;
                case 2: version = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (domain, version);
    }

    private static OnnxGraph ReadGraph(CodedInputStream input)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        var name = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: nodes.Add(ReadNode(Sub(input))); break;
                case 2: name = input.ReadString(); break;
                case 5:
                    var t = ReadTensor(Sub(input));
                    initializers[t.Name] = t;
                    break;
                case 11: inputs.Add(ReadValueInfo(Sub(input))); break;
                case 12: outputs.Add(ReadValueInfo(Sub(input))); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }

    private static OnnxNode ReadNode(CodedInputStream input)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        string name = "", op = "", domain = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: inputs.Add(input.ReadString()); break;
                case 2: outputs.Add(input.ReadString()); break;
                case 3: name = input.ReadString(); break;
                case 4: op = input.ReadString(); break;
                case 5:
                    var a = ReadAttribute(Sub(input));
                    attributes[a.Name] = a;
                    break;
                case 7: domain = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxNode(name, op, domain, inputs, outputs, attributes);
    }

    private static OnnxAttribute ReadAttribute(CodedInputStream input)
    {
        string name = "";
        float f = 0;
        long i = 0;
        string? s = null;
        OnnxTensor? t = null;
        var ints = new List<long>();
        var floats = new List<float>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = input.ReadString(); break;
                case 2: f = input.ReadFloat(); break;
                case 3: i = input.ReadInt64(); break;
                case 4: s = input.ReadBytes().ToStringUtf8(); break;
                case 5: t = ReadTensor(Sub(input)); break;
                case 7: ReadRepeated(input, tag, floats, static c => c.ReadFloat()); break;
                case 8: ReadRepeated(input, tag, ints, static c => c.ReadInt64()); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxAttribute(name, f, i, s, ints.ToArray(), floats.ToArray(), t);
    }

    private static OnnxTensor ReadTensor(CodedInputStream input)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        var longs = new List<long>();
        var ints32 = new List<int>();
        var dataType = 0;
        string name = "";
        byte[]? raw = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: ReadRepeated(input, tag, dims, static c => c.ReadInt64()); break;
                case 2: dataType = input.ReadInt32(); break;
                case 4: ReadRepeated(input, tag, floats, static c => c.ReadFloat()); break;
                case 5: ReadRepeated(input, tag, ints32, static c => c.ReadInt32()); break;
                case 7: ReadRepeated(input, tag, longs, static c => c.ReadInt64()); break;
                case 8: name = input.ReadString(); break;
                case 9: raw = input.ReadBytes().ToByteArray(); break;
                case 13: throw new NotSupportedException($"tensor '{name}' keeps its data in an external file; only self-contained ONNX files are supported");
                default: input.SkipLastField(); break;
            }
        }
        var count = dims.Aggregate(1L, (a, d) => a * d);
        switch (dataType)
        {
            case OnnxTensor.Float32:
                var fs = raw is not null ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : floats.ToArray();
                if (fs.Length != count) throw new InvalidDataException($"tensor '{name}' has {fs.Length} floats for shape [{string.Join(",", dims)}]");
                return new OnnxTensor(name, dataType, dims.ToArray(), fs, null);
            case OnnxTensor.Int64:
                var ls = raw is not null ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : longs.ToArray();
                if (ls.Length != count) throw new InvalidDataException($"tensor '{name}' has {ls.Length} int64 values for shape [{string.Join(",", dims)}]");
                return new OnnxTensor(name, dataType, dims.ToArray(), null, ls);
            case 6: // int32 (some exporters store Reshape shapes so)
                var i32 = raw is not null ? MemoryMarshal.Cast<byte, int>(raw).ToArray() : ints32.ToArray();
                return new OnnxTensor(name, OnnxTensor.Int64, dims.ToArray(), null, i32.Select(v => (long)v).ToArray());
            default:
                throw new NotSupportedException($"tensor '{name}' has ONNX data type {dataType}; only float32, int32 and int64 are supported");
        }
    }

    private static OnnxValueInfo ReadValueInfo(CodedInputStream input)
    {
        string name = "";
        int elem = 0;
        var shape = new List<long?>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = input.ReadString(); break;
                case 2: (elem, shape) = ReadType(Sub(input)); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxValueInfo(name, elem, shape);
    }

    // TypeProto { Tensor tensor_type = 1 { int32 elem_type = 1; TensorShapeProto shape = 2 { repeated Dimension dim = 1 { int64 dim_value = 1; string dim_param = 2 } } } }
    private static (int, List<long?>) ReadType(CodedInputStream input)
    {
        int elem = 0;
        var shape = new List<long?>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1) { input.SkipLastField(); continue; }
            var tensorType = Sub(input);
            uint t2;
            while ((t2 = tensorType.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(t2))
                {
                    case 1: elem = tensorType.ReadInt32(); break;
                    case 2:
                        var shapeProto = Sub(tensorType);
                        uint t3;
                        while ((t3 = shapeProto.ReadTag()) != 0)
                        {
                            if (WireFormat.GetTagFieldNumber(t3) != 1) { shapeProto.SkipLastField(); continue; }
                            var dim = Sub(shapeProto);
                            long? value = null;
                            uint t4;
                            while ((t4 = dim.ReadTag()) != 0)
                            {
                                if (WireFormat.GetTagFieldNumber(t4) == 1) value = dim.ReadInt64();
                                else dim.SkipLastField();
                            }
                            shape.Add(value);
                        }
                        break;
                    default: tensorType.SkipLastField(); break;
                }
            }
        }
        return (elem, shape);
    }

    // Repeated scalars arrive packed (one length-delimited field) or unpacked (one field per value); both are valid.
    private static void ReadRepeated<T>(CodedInputStream input, uint tag, List<T> into, Func<CodedInputStream, T> read)
    {
        if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
        {
            var packed = Sub(input);
            while (!packed.IsAtEnd) into.Add(read(packed));
        }
        else into.Add(read(input));
    }
}
