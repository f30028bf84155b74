namespace TransferFunctions.Torch.NN;

/// <summary>Returns the Gaussian error linear unit.</summary>
public sealed class GELU : Lambda
{
    public GELU() : base(x => x.Gelu()) { }
}
