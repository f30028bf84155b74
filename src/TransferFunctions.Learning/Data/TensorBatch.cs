using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// A batch as tensors: images float32 [N, C, H, W], labels int64 [N]. The tensors belong to no dispose scope;
/// whoever receives the batch disposes it.
/// </summary>
public sealed class TensorBatch : IDisposable
{
    internal TensorBatch(ImageBatch source)
    {
        Epoch = source.Epoch;
        Index = source.Index;
        Examples = source.Examples;
        Images = torch.tensor(source.Pixels, source.Shape).DetachFromDisposeScope();
        Labels = torch.tensor(Array.ConvertAll(source.Labels, l => (long)l)).DetachFromDisposeScope();
        ExtraLabels = source.ExtraLabels.ToDictionary(
            kv => kv.Key,
            kv => torch.tensor(Array.ConvertAll(kv.Value, l => (long)l)).DetachFromDisposeScope());
    }

    public int Epoch { get; }
    public int Index { get; }
    public Tensor Images { get; }
    public Tensor Labels { get; }

    /// <summary>int64 [N] per extra label column; -1 marks a missing value (use it as the loss's ignore index).</summary>
    public IReadOnlyDictionary<string, Tensor> ExtraLabels { get; }

    public IReadOnlyList<ExampleRecord> Examples { get; }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        foreach (var t in ExtraLabels.Values)
            t.Dispose();
    }
}
