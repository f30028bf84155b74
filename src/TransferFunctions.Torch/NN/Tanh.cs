namespace TransferFunctions.Torch.NN;

/// <summary>Returns tanh(x).</summary>
public sealed class Tanh : Lambda
{
    public Tanh() : base(x => x.Tanh()) { }
}
