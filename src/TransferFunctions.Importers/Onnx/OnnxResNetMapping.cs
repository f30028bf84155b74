using TransferFunctions.Learning.Models;

namespace TransferFunctions.Importers.Onnx;

/// <summary>
/// Recognizes a torchvision-shaped ResNet with basic blocks in an ONNX graph (stem conv–BN–ReLU–MaxPool, residual
/// blocks, global average pooling) and names its initializers the way torchvision's state dict does
/// (<c>conv1.weight</c>, <c>layer2.0.downsample.1.running_mean</c>, ...), so the weights load into our
/// <see cref="ResNet"/> and fine-tune like any other base.
/// </summary>
/// <remarks>
/// Blocks are found from their Add nodes, not from node order: exporters list a block's downsample branch before or
/// after its main branch (CNTK puts it first). Pads are accepted when they equal torchvision's symmetric ones, or are
/// "same"-style (one less at the end) on stride-2 layers: those agree exactly with torchvision's whenever the layer's
/// input size is even, i.e. for input sizes divisible by 32 — <see cref="ExactForInputsDivisibleBy"/>.
/// </remarks>
public sealed class OnnxResNetMapping
{
    /// <summary>Input sizes for which the mapped ResNet computes exactly what the ONNX graph computes.</summary>
    public const int ExactForInputsDivisibleBy = 32;

    private OnnxResNetMapping(ResNetSpec spec, IReadOnlyDictionary<string, string> names, string? headWeight, string? headBias)
    {
        Spec = spec;
        StateDictNames = names;
        HeadWeight = headWeight;
        HeadBias = headBias;
    }

    public ResNetSpec Spec { get; }

    /// <summary>State-dict name → ONNX initializer name, for every backbone tensor.</summary>
    public IReadOnlyDictionary<string, string> StateDictNames { get; }

    /// <summary>The initializers of a classifier (Gemm after the pooling), when the graph has one.</summary>
    public string? HeadWeight { get; }

    public string? HeadBias { get; }

    /// <summary>Maps <paramref name="graph"/>, or explains in one sentence why it is not a ResNet this can map.</summary>
    public static OnnxResNetMapping Map(OnnxGraph graph)
    {
        OnnxGraphModule.Check(graph);
        var producer = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes) foreach (var o in n.Outputs) producer[o] = n;
        var consumers = graph.Nodes.SelectMany(n => n.Inputs.Select(i => (i, n))).ToLookup(p => p.i, p => p.n, StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);

        OnnxNode Only(string value, string op, string where)
        {
            var next = consumers[value].Where(n => n.OpType != "Dropout").ToList();
            if (next.Count != 1 || next[0].OpType != op)
                throw Refuse($"expected one {op} to follow {where}, found {string.Join(", ", next.Select(n => $"{n.OpType} '{n.DisplayName}'"))}");
            return next[0];
        }

        void ConvBn(OnnxNode conv, OnnxNode bn, string prefix, string bnPrefix, long stride, long kernel)
        {
            if (conv.OpType != "Conv" || bn.OpType != "BatchNormalization") throw Refuse($"'{conv.DisplayName}' → '{bn.DisplayName}' is not Conv → BatchNormalization");
            if (conv.Inputs.Count > 2 && conv.Inputs[2].Length > 0) throw Refuse($"conv '{conv.DisplayName}' has a bias; torchvision's ResNet convolutions have none");
            if (conv.Int("group", 1) != 1) throw Refuse($"conv '{conv.DisplayName}' is grouped");
            var k = conv.Ints("kernel_shape") ?? graph.Initializers[conv.Inputs[1]].Dims[2..];
            var s = conv.Ints("strides") ?? new long[] { 1, 1 };
            if (k[0] != kernel || k[1] != kernel || s[0] != stride || s[1] != stride)
                throw Refuse($"conv '{conv.DisplayName}' is {k[0]}x{k[1]} stride {s[0]}, expected {kernel}x{kernel} stride {stride}");
            CheckPads(conv, kernel / 2, stride);
            if (Math.Abs(bn.Float("epsilon", 1e-5f) - 1e-5f) > 1e-7f) throw Refuse($"batch norm '{bn.DisplayName}' has epsilon {bn.Float("epsilon", 1e-5f)}; torchvision uses 1e-5");
            names[$"{prefix}.weight"] = conv.Inputs[1];
            names[$"{bnPrefix}.weight"] = bn.Inputs[1];
            names[$"{bnPrefix}.bias"] = bn.Inputs[2];
            names[$"{bnPrefix}.running_mean"] = bn.Inputs[3];
            names[$"{bnPrefix}.running_var"] = bn.Inputs[4];
        }

        var input = graph.DataInputs[0].Name;
        var stemConv = Only(input, "Conv", "the input");
        var stemBn = Only(stemConv.Outputs[0], "BatchNormalization", $"'{stemConv.DisplayName}'");
        ConvBn(stemConv, stemBn, "conv1", "bn1", 2, 7);
        var stemRelu = Only(stemBn.Outputs[0], "Relu", $"'{stemBn.DisplayName}'");
        var pool = Only(stemRelu.Outputs[0], "MaxPool", $"'{stemRelu.DisplayName}'");
        CheckPads(pool, 1, 2);
        var x = pool.Outputs[0];
        var inChannels = graph.Initializers[stemConv.Inputs[1]].Dims[1];
        var widths = new List<int>();
        var blocksPerStage = new List<int>();
        long planes = graph.Initializers[stemConv.Inputs[1]].Dims[0];
        while (true)
        {
            var next = consumers[x].ToList();
            if (next.Count == 1 && next[0].OpType is "GlobalAveragePool" or "AveragePool") break;
            // A block: x feeds conv1 (and a downsample conv, or the Add directly); Add(main, shortcut) → Relu.
            var convs = next.Where(n => n.OpType == "Conv").ToList();
            var add = next.FirstOrDefault(n => n.OpType == "Add");
            var main = convs.SingleOrDefault(c => graph.Initializers[c.Inputs[1]].Dims[2] == 3)
                ?? throw Refuse($"expected a 3x3 convolution to start a residual block after '{producer[x].DisplayName}'");
            var down = convs.SingleOrDefault(c => graph.Initializers[c.Inputs[1]].Dims[2] == 1);
            var outPlanes = graph.Initializers[main.Inputs[1]].Dims[0];
            var stride = (main.Ints("strides") ?? new long[] { 1, 1 })[0];
            if (outPlanes != planes || stride != 1 || widths.Count == 0)
            {
                widths.Add((int)outPlanes);
                blocksPerStage.Add(0);
            }
            var prefix = $"layer{widths.Count}.{blocksPerStage[^1]}";
            var bn1 = Only(main.Outputs[0], "BatchNormalization", $"'{main.DisplayName}'");
            ConvBn(main, bn1, $"{prefix}.conv1", $"{prefix}.bn1", stride, 3);
            var relu = Only(bn1.Outputs[0], "Relu", $"'{bn1.DisplayName}'");
            var conv2 = Only(relu.Outputs[0], "Conv", $"'{relu.DisplayName}'");
            var bn2 = Only(conv2.Outputs[0], "BatchNormalization", $"'{conv2.DisplayName}'");
            ConvBn(conv2, bn2, $"{prefix}.conv2", $"{prefix}.bn2", 1, 3);
            var blockAdd = Only(bn2.Outputs[0], "Add", $"'{bn2.DisplayName}'");
            var shortcut = blockAdd.Inputs.Single(i => i != bn2.Outputs[0]);
            if (down is not null)
            {
                var downBn = Only(down.Outputs[0], "BatchNormalization", $"'{down.DisplayName}'");
                ConvBn(down, downBn, $"{prefix}.downsample.0", $"{prefix}.downsample.1", stride, 1);
                if (shortcut != downBn.Outputs[0]) throw Refuse($"block '{blockAdd.DisplayName}' does not add its downsample branch");
            }
            else if (shortcut != x || add is not null && add != blockAdd) throw Refuse($"block '{blockAdd.DisplayName}' does not add its input");
            else if (stride != 1 || outPlanes != planes) throw Refuse($"block '{blockAdd.DisplayName}' changes shape without a downsample branch");
            x = Only(blockAdd.Outputs[0], "Relu", $"'{blockAdd.DisplayName}'").Outputs[0];
            blocksPerStage[^1]++;
            planes = outPlanes;
        }
        var tail = consumers[x].Single();
        if (tail.OpType == "AveragePool" && (tail.Ints("pads")?.Any(p => p != 0) ?? false)) throw Refuse($"average pool '{tail.DisplayName}' pads its input");
        // After pooling: nothing (features are the output), Flatten/Reshape, and optionally one Gemm classifier.
        string? headW = null, headB = null;
        var value = tail.Outputs[0];
        while (consumers[value].FirstOrDefault() is { } after)
        {
            if (after.OpType is "Flatten" or "Reshape" or "Dropout") { value = after.Outputs[0]; continue; }
            if (after.OpType == "Gemm" && headW is null)
            {
                if (after.Int("transB", 0) != 1) throw Refuse($"classifier '{after.DisplayName}' is not a torch-style Gemm (transB=1)");
                headW = after.Inputs[1];
                headB = after.Inputs.Count > 2 ? after.Inputs[2] : null;
                value = after.Outputs[0];
                continue;
            }
            throw Refuse($"unexpected '{after.OpType}' node '{after.DisplayName}' after the pooling");
        }
        if (!widths.SequenceEqual(new[] { 64, 128, 256, 512 }))
            throw Refuse($"stage widths [{string.Join(",", widths)}] are not torchvision's [64,128,256,512]");
        if (blocksPerStage.Count != 4) throw Refuse($"the graph has {blocksPerStage.Count} stages; torchvision's ResNets have 4");
        // torchvision's names where the depth is one of theirs, else resnet-basic-A-B-C-D (same layout, other depth).
        var specName = blocksPerStage.SequenceEqual(new[] { 2, 2, 2, 2 }) ? "resnet18"
            : blocksPerStage.SequenceEqual(new[] { 3, 4, 6, 3 }) ? "resnet34"
            : $"resnet-basic-{string.Join("-", blocksPerStage)}";
        return new OnnxResNetMapping(ResNetSpec.ByName(specName, (int)inChannels), names, headW, headB);
    }

    private static void CheckPads(OnnxNode node, long pad, long stride)
    {
        var p = node.Ints("pads") ?? new long[4];
        var symmetric = p.All(v => v == pad);
        var sameStyle = stride == 2 && p[0] == pad && p[1] == pad && p[2] == pad - 1 && p[3] == pad - 1;
        if (!symmetric && !sameStyle)
            throw Refuse($"{node.OpType} '{node.DisplayName}' pads [{string.Join(",", p)}], expected [{pad},{pad},{pad},{pad}] (or [{pad},{pad},{pad - 1},{pad - 1}] at stride 2)");
    }

    private static NotSupportedException Refuse(string why) => new($"not a torchvision-shaped ResNet: {why}");
}
