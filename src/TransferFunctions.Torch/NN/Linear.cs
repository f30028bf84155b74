namespace TransferFunctions.Torch.NN;

/// <summary>y = x·Wᵀ + b, with PyTorch's default initialization.</summary>
public sealed class Linear : Module
{
    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        using var w = torch.Empty(new[] { outFeatures, inFeatures });
        Init.KaimingUniform(w, a: Math.Sqrt(5));
        RegisterParameter("weight", new Parameter(w));
        if (bias)
        {
            using var b = torch.Empty(new[] { outFeatures });
            var bound = 1 / Math.Sqrt(inFeatures);
            Init.Uniform(b, -bound, bound);
            RegisterParameter("bias", new Parameter(b));
        }
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public Parameter Weight => GetParameter("weight")!;
    public Parameter? Bias => GetParameter("bias");

    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
