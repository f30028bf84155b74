namespace TransferFunctions.Torch.NN;

/// <summary>Layer normalization over the trailing <c>normalizedShape</c> dimensions.</summary>
public sealed class LayerNorm : Module
{
    private readonly long[] _shape;

    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        _shape = normalizedShape;
        Eps = eps;
        if (elementwiseAffine)
        {
            using var w = torch.Ones(normalizedShape);
            using var b = torch.Zeros(normalizedShape);
            RegisterParameter("weight", new Parameter(w));
            RegisterParameter("bias", new Parameter(b));
        }
    }

    public LayerNorm(long features, double eps = 1e-5) : this(new[] { features }, eps) { }

    public double Eps { get; }

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, _shape, GetParameter("weight"), GetParameter("bias"), Eps);
}
