using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferFunctions.Importers.Onnx;

/// <summary>
/// An ONNX graph of supported operators as a TorchSharp module: float initializers that ops learn (Conv/Gemm weights
/// and biases, BatchNormalization scale and bias) are parameters, BatchNormalization statistics are buffers, each named
/// after its initializer (dots and slashes become <c>_</c>), and <see cref="forward"/> runs the nodes in graph order.
/// Supported: Conv, BatchNormalization, Relu, Add, MaxPool, AveragePool, GlobalAveragePool, Gemm, Flatten, Concat,
/// Reshape, Dropout (identity). Anything else is refused at construction with the op and the node named.
/// </summary>
public sealed class OnnxGraphModule : Module<Tensor, Tensor>
{
    public static readonly IReadOnlySet<string> SupportedOps = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "Relu", "Add", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm", "Flatten", "Concat", "Reshape", "Dropout",
    };

    private readonly OnnxGraph _graph;
    private readonly string _input;
    private readonly string _output;
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _constants = new(StringComparer.Ordinal);

    public OnnxGraphModule(OnnxGraph graph) : base(string.IsNullOrEmpty(graph.Name) ? nameof(OnnxGraphModule) : graph.Name)
    {
        _graph = graph;
        Check(graph);
        _input = graph.DataInputs.Single().Name;
        _output = graph.Outputs.Single().Name;
        var learned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            switch (node.OpType)
            {
                case "Conv" or "Gemm": learned.UnionWith(node.Inputs.Skip(1).Where(graph.Initializers.ContainsKey)); break;
                // scale and bias are learned; the running mean and variance (inputs 3 and 4) stay buffers.
                case "BatchNormalization": learned.UnionWith(node.Inputs.Skip(1).Take(2)); break;
            }
        }
        foreach (var (name, init) in graph.Initializers)
        {
            if (init.DataType == OnnxTensor.Int64) { _constants[name] = init.Longs!; continue; }
            var t = tensor(init.Floats!, init.Dims);
            var key = ParameterName(name);
            if (learned.Contains(name)) { var p = new Parameter(t); register_parameter(key, p); _tensors[name] = p; }
            else { register_buffer(key, t); _tensors[name] = t; }
        }
    }

    /// <summary>The state-dict name of an initializer.</summary>
    public static string ParameterName(string initializer) => initializer.Replace('.', '_').Replace('/', '_');

    /// <summary>Refuses graphs with operators or attributes this module does not implement, naming the op and the node.</summary>
    public static void Check(OnnxGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            if (!SupportedOps.Contains(node.OpType) || node.Domain is not ("" or "ai.onnx"))
                throw new NotSupportedException($"ONNX operator '{node.OpType}' (node '{node.DisplayName}') is not supported; supported are {string.Join(", ", SupportedOps.Order())}");
            if (node.String("auto_pad") is { } pad && pad is not ("NOTSET" or "VALID"))
                throw new NotSupportedException($"ONNX node '{node.DisplayName}' ({node.OpType}) uses auto_pad={pad}; only explicit pads are supported");
            if (node.OpType is "Conv" or "MaxPool" or "AveragePool" && (node.Ints("kernel_shape")?.Length ?? 2) != 2)
                throw new NotSupportedException($"ONNX node '{node.DisplayName}' ({node.OpType}) is not 2-D; only 2-D convolutions and pools are supported");
            if (node.OpType == "MaxPool" && node.Outputs.Count(o => o.Length > 0) > 1)
                throw new NotSupportedException($"ONNX node '{node.DisplayName}' (MaxPool) asks for indices; only the pooled output is supported");
            if (node.OpType == "Reshape" && (node.Inputs.Count < 2 || !graph.Initializers.ContainsKey(node.Inputs[1])))
                throw new NotSupportedException($"ONNX node '{node.DisplayName}' (Reshape) takes its shape from a computed tensor; only constant shapes are supported");
        }
        if (graph.DataInputs.Count != 1 || graph.Outputs.Count != 1)
            throw new NotSupportedException($"the ONNX graph has {graph.DataInputs.Count} data inputs and {graph.Outputs.Count} outputs; one of each is supported");
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [_input] = input };
        Tensor Get(string name) => values.TryGetValue(name, out var v) ? v : _tensors[name];
        foreach (var node in _graph.Nodes)
        {
            var x = Get(node.Inputs[0]);
            values[node.Outputs[0]] = node.OpType switch
            {
                "Conv" => Conv(node, x, Get(node.Inputs[1]), node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? Get(node.Inputs[2]) : null),
                "BatchNormalization" => functional.batch_norm(x, Get(node.Inputs[3]), Get(node.Inputs[4]), Get(node.Inputs[1]), Get(node.Inputs[2]), false, 0.1, node.Float("epsilon", 1e-5f)),
                "Relu" => functional.relu(x),
                "Add" => x.add(Get(node.Inputs[1])),
                "MaxPool" => Pool(node, x, max: true),
                "AveragePool" => Pool(node, x, max: false),
                "GlobalAveragePool" => x.mean(new long[] { 2, 3 }, keepdim: true),
                "Gemm" => Gemm(node, x, Get(node.Inputs[1]), node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? Get(node.Inputs[2]) : null),
                "Flatten" => Flatten(x, node.Int("axis", 1)),
                "Concat" => cat(node.Inputs.Select(Get).ToList(), node.Int("axis", 1)),
                "Reshape" => Reshape(x, _constants[node.Inputs[1]]),
                "Dropout" => x.alias(),
                _ => throw new NotSupportedException($"ONNX operator '{node.OpType}' (node '{node.DisplayName}') is not supported"),
            };
        }
        return scope.MoveToOuter(Get(_output).alias());
    }

    // ONNX pads are [top, left, bottom, right]; torch's conv takes symmetric padding, so asymmetric pads are applied first.
    private static (Tensor X, long[] Symmetric) Pad(Tensor x, long[]? pads, double value)
    {
        pads ??= new long[4];
        if (pads[0] == pads[2] && pads[1] == pads[3]) return (x, new[] { pads[0], pads[1] });
        return (functional.pad(x, new[] { pads[1], pads[3], pads[0], pads[2] }, PaddingModes.Constant, value), new long[] { 0, 0 });
    }

    private static Tensor Conv(OnnxNode node, Tensor x, Tensor weight, Tensor? bias)
    {
        var (padded, pads) = Pad(x, node.Ints("pads"), 0);
        return functional.conv2d(padded, weight, bias, strides: node.Ints("strides") ?? new long[] { 1, 1 }, padding: pads,
            dilation: node.Ints("dilations") ?? new long[] { 1, 1 }, groups: node.Int("group", 1));
    }

    private static Tensor Pool(OnnxNode node, Tensor x, bool max)
    {
        var kernel = node.Ints("kernel_shape")!;
        var strides = node.Ints("strides") ?? new long[] { 1, 1 };
        var rawPads = node.Ints("pads") ?? new long[4];
        var ceil = node.Int("ceil_mode", 0) == 1;
        if (max)
        {
            var (padded, pads) = Pad(x, rawPads, double.NegativeInfinity);
            return functional.max_pool2d(padded, kernel, strides, pads, ceil_mode: ceil);
        }
        var includePad = node.Int("count_include_pad", 0) == 1;
        if (rawPads.Any(p => p != 0) && !(rawPads[0] == rawPads[2] && rawPads[1] == rawPads[3]) && !includePad)
            throw new NotSupportedException($"ONNX node '{node.DisplayName}' (AveragePool) has asymmetric pads with count_include_pad=0; not supported");
        var (px, sym) = Pad(x, rawPads, 0);
        return functional.avg_pool2d(px, kernel, strides, sym, ceil_mode: ceil, count_include_pad: includePad);
    }

    private static Tensor Gemm(OnnxNode node, Tensor a, Tensor b, Tensor? c)
    {
        if (node.Int("transA", 0) == 1) a = a.t();
        if (node.Int("transB", 0) == 1) b = b.t();
        var y = a.matmul(b);
        var alpha = node.Float("alpha", 1f);
        if (alpha != 1f) y = y.mul(alpha);
        if (c is null) return y;
        var beta = node.Float("beta", 1f);
        return y.add(beta == 1f ? c : c.mul(beta));
    }

    private static Tensor Flatten(Tensor x, long axis)
    {
        if (axis < 0) axis += x.dim();
        var outer = x.shape.Take((int)axis).Aggregate(1L, (p, d) => p * d);
        return x.reshape(outer, -1);
    }

    // ONNX Reshape: 0 copies the input's dimension, -1 is inferred.
    private static Tensor Reshape(Tensor x, long[] shape) =>
        x.reshape(shape.Select((d, i) => d == 0 ? x.size(i) : d).ToArray());
}
