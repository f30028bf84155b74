using System.Security.Cryptography;
using TransferFunctions.Torch;
using TransferFunctions.Torch.Serialization;

namespace TransferFunctions.Learning.Models;

/// <summary>Runs a backbone in eval mode without autograd to get pooled features, and digests what identifies them.</summary>
public static class FeatureExtractor
{
    /// <summary>Examples per forward pass when extracting.</summary>
    public const int BatchSize = 256;

    /// <summary>Pooled features [N, D] of <paramref name="inputs"/>; the model's train/eval mode is restored afterwards.</summary>
    /// <remarks>Each batch gets its own dispose scope so only the pooled rows outlive it: one scope around the loop kept
    /// every batch's inputs slices and activations alive until the end (about 24 GB for 30,000 images).</remarks>
    public static Tensor Extract(ResNet model, Tensor inputs, CancellationToken cancellationToken = default, int batchSize = BatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var wasTraining = model.Training;
        model.Eval();
        var parts = new List<Tensor>();
        try
        {
            using var noGrad = torch.NoGrad();
            var n = inputs.Size(0);
            for (long start = 0; start < n; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var batchScope = torch.NewDisposeScope();
                parts.Add(batchScope.Detach(model.Features(inputs.Slice(0, start, Math.Min(n, start + batchSize)))));
            }
            return parts.Count == 0 ? torch.Zeros(new[] { 0L, model.FeatureDimension }) : torch.Cat(parts);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
            model.Train(wasTraining);
        }
    }

    /// <summary>SHA-256 of the backbone's parameters and buffers (heads excluded): equal digests extract equal features.</summary>
    public static string BackboneDigest(ResNet model)
    {
        var backbone = model.StateDict().Where(kv => !IsHead(kv.Key));
        return ModelPackage.Digest(Safetensors.Serialize(backbone));
    }

    /// <summary>SHA-256 over named tensors' shapes, dtypes and values, for data that comes without a digest.</summary>
    public static string ContentDigest(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{name}:{tensor.DType}:[{string.Join(",", tensor.Shape)}];"));
            using var scope = torch.NewDisposeScope();
            var flat = tensor.Contiguous();
            hash.AppendData(flat.DType switch
            {
                ScalarType.Float32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(flat.ToArray<float>().AsSpan()),
                ScalarType.Int64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(flat.ToArray<long>().AsSpan()),
                _ => System.Runtime.InteropServices.MemoryMarshal.AsBytes(flat.To(ScalarType.Float64).ToArray<double>().AsSpan()),
            });
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>True for parameters of a classifier head (<c>fc</c> or <c>heads.*</c>), which do not shape features.</summary>
    public static bool IsHead(string parameterName) =>
        parameterName.StartsWith("fc.", StringComparison.Ordinal) || parameterName.StartsWith("heads.", StringComparison.Ordinal);
}
