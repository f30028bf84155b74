namespace TransferFunctions.Importers.Onnx;

/// <summary>A graph input or output: name, element type and shape (a null dimension is symbolic or unknown).</summary>
public sealed record OnnxValueInfo(string Name, int ElementType, IReadOnlyList<long?> Shape);
