namespace TransferFunctions.Torch.NN;

/// <summary>Returns max(0, x).</summary>
public sealed class ReLU : Lambda
{
    public ReLU() : base(x => x.Relu()) { }
}
