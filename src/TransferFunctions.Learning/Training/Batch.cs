using static TorchSharp.torch;

namespace TransferFunctions.Learning.Training;

/// <summary>Inputs and int64 targets of one mini-batch. The producer owns the tensors unless stated otherwise.</summary>
public sealed record Batch(Tensor Inputs, Tensor Targets)
{
    public long Size => Inputs.size(0);
}
