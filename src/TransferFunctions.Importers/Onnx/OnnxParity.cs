using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TransferFunctions.Learning.Models;
using static TorchSharp.torch;

namespace TransferFunctions.Importers.Onnx;

/// <summary>Feature parity of an imported package with the original graph run by ONNX Runtime.</summary>
public sealed record OnnxParity(int Images, int Size, double MaxAbsDifference, double MaxRelativeDifference, double MaxAbsFeature)
{
    /// <summary>
    /// Runs <paramref name="images"/> seeded test images (smooth colour gradients with noise, so every layer sees
    /// structure) through the ONNX file with ONNX Runtime and through <paramref name="package"/>'s backbone at the
    /// graph's own input size, both from the same normalized pixels, and compares the pooled features.
    /// <paramref name="reversesChannels"/> says whether the graph takes BGR (the package takes RGB, folded into conv1).
    /// </summary>
    public static OnnxParity Measure(string onnxPath, ModelPackage package, int images, int seed, bool? reversesChannels = null)
    {
        var reverse = reversesChannels ?? package.Card.Training.GetValueOrDefault("onnx_input_channel_order") == "bgr";
        using var session = new InferenceSession(onnxPath);
        var inputName = session.InputNames[0];
        var dims = session.InputMetadata[inputName].Dimensions;
        int size = dims.Length == 4 && dims[2] > 0 ? dims[2] : package.Card.Input.Height;
        var spec = package.Card.Input with { Height = size, Width = size };
        using var scope = NewDisposeScope();
        var generator = new Random(seed);
        double maxAbs = 0, maxRel = 0, maxFeature = 0;
        var model = package.Model;
        var wasTraining = model.training;
        model.eval();
        try
        {
            for (var i = 0; i < images; i++)
            {
                using var imageScope = NewDisposeScope();
                var pixels = TestImage(generator, size, spec.Channels);
                using var nhwc = tensor(pixels, new long[] { 1, size, size, spec.Channels }, ScalarType.Byte);
                var z = Preprocessing.ToModelInput(nhwc, spec);
                float[] ours;
                using (inference_mode()) ours = model.Features(z).cpu().data<float>().ToArray();
                var onnxInput = (reverse ? z.flip(1) : z).contiguous().cpu().data<float>().ToArray();
                using var value = OrtValue.CreateTensorValueFromMemory(onnxInput, new long[] { 1, spec.Channels, size, size });
                using var outputs = session.Run(new RunOptions(), new[] { inputName }, new[] { value }, session.OutputNames);
                var theirs = outputs[0].GetTensorDataAsSpan<float>().ToArray();
                if (theirs.Length != ours.Length) throw new InvalidDataException($"ONNX Runtime gives {theirs.Length} features, the package {ours.Length}");
                var scale = theirs.Max(v => Math.Abs(v));
                maxFeature = Math.Max(maxFeature, scale);
                for (var j = 0; j < ours.Length; j++)
                {
                    var d = Math.Abs(ours[j] - theirs[j]);
                    maxAbs = Math.Max(maxAbs, d);
                    maxRel = Math.Max(maxRel, d / Math.Max(scale, 1e-12));
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return new OnnxParity(images, size, maxAbs, maxRel, maxFeature);
    }

    private static byte[] TestImage(Random random, int size, int channels)
    {
        var pixels = new byte[size * size * channels];
        var phase = new double[channels * 2];
        for (var k = 0; k < phase.Length; k++) phase[k] = random.NextDouble() * 6;
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                for (var c = 0; c < channels; c++)
                {
                    var v = 127 + 80 * Math.Sin(x * 0.05 * (c + 1) + phase[2 * c]) * Math.Cos(y * 0.07 + phase[2 * c + 1]) + random.Next(-40, 41);
                    pixels[(y * size + x) * channels + c] = (byte)Math.Clamp(v, 0, 255);
                }
        return pixels;
    }
}
