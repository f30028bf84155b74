namespace TransferFunctions.Importers.Onnx;

/// <summary>An ONNX <c>NodeProto</c>: one operator application.</summary>
public sealed record OnnxNode(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    /// <summary>A name for messages: the node's name, or its op and first output when it has none.</summary>
    public string DisplayName => Name.Length > 0 ? Name : $"{OpType}→{Outputs.FirstOrDefault()}";

    public long Int(string name, long fallback) => Attributes.TryGetValue(name, out var a) ? a.Int : fallback;

    public float Float(string name, float fallback) => Attributes.TryGetValue(name, out var a) ? a.Float : fallback;

    public long[]? Ints(string name) => Attributes.TryGetValue(name, out var a) ? a.Ints : null;

    public string? String(string name) => Attributes.TryGetValue(name, out var a) ? a.String : null;
}
