namespace TransferFunctions.Torch.NN;

/// <summary>2-D convolution over [N, C, H, W], with PyTorch's default initialization.</summary>
public sealed class Conv2d : Module
{
    private readonly long[] _stride, _padding, _dilation;

    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"channels ({inChannels} in, {outChannels} out) must be divisible by groups ({groups})");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Groups = groups;
        _stride = new[] { stride, stride };
        _padding = new[] { padding, padding };
        _dilation = new[] { dilation, dilation };
        using var w = torch.Empty(new[] { outChannels, inChannels / groups, kernelSize, kernelSize });
        Init.KaimingUniform(w, a: Math.Sqrt(5));
        RegisterParameter("weight", new Parameter(w));
        if (bias)
        {
            using var b = torch.Empty(new[] { outChannels });
            var bound = 1 / Math.Sqrt(inChannels / groups * kernelSize * kernelSize);
            Init.Uniform(b, -bound, bound);
            RegisterParameter("bias", new Parameter(b));
        }
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public long KernelSize { get; }
    public long Groups { get; }
    public Parameter Weight => GetParameter("weight")!;
    public Parameter? Bias => GetParameter("bias");

    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, _stride, _padding, _dilation, Groups);
}
