namespace TransferFunctions.Torch.NN;

/// <summary>Returns x·sigmoid(x).</summary>
public sealed class SiLU : Lambda
{
    public SiLU() : base(x => x.Silu()) { }
}
