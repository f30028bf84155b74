using System.Security.Cryptography;
using TransferFunctions.Learning.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Models;

/// <summary>Runs a backbone in eval mode without autograd to get pooled features, and digests what identifies them.</summary>
public static class FeatureExtractor
{
    /// <summary>Examples per forward pass when extracting.</summary>
    public const int BatchSize = 256;

    /// <summary>Pooled features [N, D] of <paramref name="inputs"/>; the model's train/eval mode is restored afterwards.</summary>
    /// <remarks>Each batch gets its own dispose scope so only the pooled rows outlive it: one scope around the loop kept
    /// every batch's inputs slices and activations alive until the end (about 24 GB for 30,000 images).</remarks>
    /// <param name="model">The backbone (its device is where the batches go).</param>
    /// <param name="inputs">Images [N, C, H, W], on any device.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    /// <param name="inferenceMode">Run in <c>inference_mode</c> (the default) rather than <c>no_grad</c>; the engine bench compares both.</param>
    public static Tensor Extract(ResNet model, Tensor inputs, CancellationToken cancellationToken = default, int batchSize = BatchSize, bool inferenceMode = true)
    {
        var device = model.parameters().First().device;
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var wasTraining = model.training;
        model.eval();
        var parts = new List<Tensor>();
        try
        {
            // Inference mode, not just no_grad: no version counters or views tracked for autograd at all.
            using var inference = inferenceMode ? inference_mode() : no_grad();
            var n = inputs.size(0);
            for (long start = 0; start < n; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var batchScope = NewDisposeScope();
                parts.Add(batchScope.Detach(model.Features(inputs.slice(0, start, Math.Min(n, start + batchSize), 1).to(device))));
            }
            return parts.Count == 0 ? zeros(0L, model.FeatureDimension) : cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// SHA-256 (hex) of the backbone's parameters and buffers (heads excluded): equal digests extract equal features. Bare
    /// hex because it names the feature cache's folder (<c>features/{backbone-digest}/</c>).
    /// </summary>
    public static string BackboneDigest(ResNet model)
    {
        var backbone = model.state_dict().Where(kv => !IsHead(kv.Key));
        return Convert.ToHexStringLower(SHA256.HashData(Safetensors.Serialize(backbone)));
    }

    /// <summary>
    /// SHA-256 (hex) of each example's model-ready input (row <c>i</c> of <paramref name="inputs"/>): the content hash
    /// that, with the backbone digest, keys an example's features. Hashing the preprocessed input rather than the file
    /// makes the same image under another size or normalization a different entry.
    /// </summary>
    public static string[] ExampleDigests(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var n = (int)inputs.size(0);
        var rows = inputs.to(ScalarType.Float32).cpu().contiguous();
        var bytes = rows.bytes;
        var rowBytes = n == 0 ? 0 : bytes.Length / n;
        var digests = new string[n];
        for (var i = 0; i < n; i++) digests[i] = Convert.ToHexStringLower(SHA256.HashData(bytes.Slice(i * rowBytes, rowBytes)));
        return digests;
    }

    /// <summary>SHA-256 over named tensors' shapes, dtypes and values, for data that comes without a digest.</summary>
    public static string ContentDigest(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{name}:{DTypeName(tensor.dtype)}:[{string.Join(",", tensor.shape)}];"));
            using var scope = NewDisposeScope();
            var flat = tensor.dtype is ScalarType.Float32 or ScalarType.Int64 ? tensor.cpu().contiguous() : tensor.to(ScalarType.Float64).cpu().contiguous();
            if (flat.NumberOfElements > 0) hash.AppendData(flat.bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // The names our own binding printed, so digests of cached content stay what they were.
    private static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "Float32",
        ScalarType.Int64 => "Int64",
        ScalarType.Byte => "UInt8",
        _ => type.ToString(),
    };

    /// <summary>True for parameters of a classifier head (<c>fc</c> or <c>heads.*</c>), which do not shape features.</summary>
    public static bool IsHead(string parameterName) =>
        parameterName.StartsWith("fc.", StringComparison.Ordinal) || parameterName.StartsWith("heads.", StringComparison.Ordinal);
}
