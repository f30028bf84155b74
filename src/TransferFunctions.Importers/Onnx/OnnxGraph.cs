namespace TransferFunctions.Importers.Onnx;

/// <summary>An ONNX <c>GraphProto</c>: nodes in file order (ONNX requires topological order), initializers by name, graph inputs and outputs.</summary>
public sealed record OnnxGraph(string Name, IReadOnlyList<OnnxNode> Nodes, IReadOnlyDictionary<string, OnnxTensor> Initializers, IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs)
{
    /// <summary>Graph inputs that are not initializers: the data the caller feeds.</summary>
    public IReadOnlyList<OnnxValueInfo> DataInputs => Inputs.Where(i => !Initializers.ContainsKey(i.Name)).ToList();
}
