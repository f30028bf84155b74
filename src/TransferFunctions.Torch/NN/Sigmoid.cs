namespace TransferFunctions.Torch.NN;

/// <summary>Returns 1 / (1 + e^-x).</summary>
public sealed class Sigmoid : Lambda
{
    public Sigmoid() : base(x => x.Sigmoid()) { }
}
