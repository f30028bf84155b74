namespace TransferFunctions.Torch.NN;

/// <summary>Zeroes elements with probability <c>p</c> in training (scaling the rest by 1/(1-p)); identity in eval.</summary>
public sealed class Dropout : Module
{
    public Dropout(double p = 0.5)
    {
        if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), "dropout probability must be in [0, 1)");
        P = p;
    }

    public double P { get; }

    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training);
}
