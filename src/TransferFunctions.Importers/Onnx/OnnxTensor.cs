namespace TransferFunctions.Importers.Onnx;

/// <summary>An ONNX <c>TensorProto</c> holding float32 or int64 data (the types ResNet-like graphs carry).</summary>
public sealed record OnnxTensor(string Name, int DataType, long[] Dims, float[]? Floats, long[]? Longs)
{
    public const int Float32 = 1;
    public const int Int64 = 7;

    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);
}
