namespace TransferFunctions.Importers.Onnx;

/// <summary>
/// What a preprocessing graph does to RGB pixels in [0, 255] before the network sees them, in the form our
/// <see cref="TransferFunctions.Learning.Models.InputSpec"/> can express: an optional channel reversal (RGB→BGR), a
/// per-channel mean subtracted and an optional per-channel scale. A spatial mean image is reduced to its per-channel
/// average (<see cref="MeanImageSpread"/> says how far it was from constant).
/// </summary>
public sealed record OnnxPreprocessing(bool ReversesChannels, double[] Mean, double[] Scale, double MeanImageSpread)
{
    /// <summary>No preprocessing: the network takes RGB pixels in [0, 255] as they are.</summary>
    public static OnnxPreprocessing None(int channels) => new(false, new double[channels], Enumerable.Repeat(1.0, channels).ToArray(), 0);

    /// <summary>Reads Split/Concat (channel order), Sub (mean) and Mul/Div (scale) nodes; any other op is refused.</summary>
    public static OnnxPreprocessing Read(OnnxGraph graph)
    {
        var reverse = false;
        double[]? mean = null, scale = null;
        double spread = 0;
        string[]? split = null;
        foreach (var node in graph.Nodes)
        {
            switch (node.OpType)
            {
                case "Split" when node.Int("axis", 0) == 1:
                    split = node.Outputs.ToArray();
                    break;
                case "Concat" when split is not null && node.Int("axis", 0) == 1:
                    if (node.Inputs.SequenceEqual(split.Reverse())) reverse = true;
                    else if (!node.Inputs.SequenceEqual(split)) throw new NotSupportedException($"preprocessing node '{node.DisplayName}' reorders channels other than by reversal");
                    break;
                case "Sub":
                    (mean, spread) = PerChannel(graph, node, node.Inputs[1]);
                    break;
                case "Mul" or "Div":
                    var (s, _) = PerChannel(graph, node, node.Inputs[1]);
                    scale = node.OpType == "Mul" ? s : s.Select(v => 1 / v).ToArray();
                    break;
                default:
                    throw new NotSupportedException($"preprocessing operator '{node.OpType}' (node '{node.DisplayName}') is not supported; supported are Split/Concat (channel order), Sub, Mul, Div");
            }
        }
        var channels = mean?.Length ?? scale?.Length ?? 3;
        return new OnnxPreprocessing(reverse, mean ?? new double[channels], scale ?? Enumerable.Repeat(1.0, channels).ToArray(), spread);
    }

    // A constant [C], [1,C,1,1] or [1,C,H,W] operand → its per-channel mean, and the largest deviation from it.
    private static (double[] Values, double Spread) PerChannel(OnnxGraph graph, OnnxNode node, string operand)
    {
        if (!graph.Initializers.TryGetValue(operand, out var t) || t.Floats is null)
            throw new NotSupportedException($"preprocessing node '{node.DisplayName}' ({node.OpType}) has a computed operand; only constants are supported");
        var dims = t.Dims;
        var channels = dims.Length switch { 1 => dims[0], 4 => dims[1], 3 => dims[0], _ => throw new NotSupportedException($"preprocessing constant '{operand}' has shape [{string.Join(",", dims)}]") };
        var plane = t.ElementCount / channels;
        var values = new double[channels];
        double spread = 0;
        for (var c = 0; c < channels; c++)
        {
            var slice = t.Floats.AsSpan((int)(c * plane), (int)plane);
            double sum = 0;
            foreach (var v in slice) sum += v;
            values[c] = sum / plane;
            foreach (var v in slice) spread = Math.Max(spread, Math.Abs(v - values[c]));
        }
        return (values, spread);
    }
}
