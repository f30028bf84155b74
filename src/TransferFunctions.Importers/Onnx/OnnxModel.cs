namespace TransferFunctions.Importers.Onnx;

/// <summary>
/// The parts of an ONNX <c>ModelProto</c> the importer reads (onnx.proto field numbers; everything else is skipped).
/// </summary>
public sealed record OnnxModel(long IrVersion, string ProducerName, string ProducerVersion, IReadOnlyDictionary<string, long> Opsets, OnnxGraph Graph)
{
    /// <summary>Reads an ONNX file (protobuf binary).</summary>
    public static OnnxModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file '{path}' does not exist", path);
        try
        {
            return OnnxReader.ReadModel(File.ReadAllBytes(path));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid ONNX model: {e.Message}", e);
        }
    }
}
