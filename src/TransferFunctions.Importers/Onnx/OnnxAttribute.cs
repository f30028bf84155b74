namespace TransferFunctions.Importers.Onnx;

/// <summary>An ONNX <c>AttributeProto</c> (the scalar, list and tensor forms the supported ops use).</summary>
public sealed record OnnxAttribute(string Name, float Float, long Int, string? String, long[] Ints, float[] Floats, OnnxTensor? Tensor);
