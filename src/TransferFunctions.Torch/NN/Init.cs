namespace TransferFunctions.Torch.NN;

/// <summary>In-place weight initializers (PyTorch's <c>torch.nn.init</c>), run without autograd.</summary>
public static class Init
{
    /// <summary>Fan-in and fan-out of a weight: [out, in, *kernel] as PyTorch computes them.</summary>
    public static (long FanIn, long FanOut) Fans(Tensor weight)
    {
        var s = weight.Shape;
        if (s.Length < 2) throw new TorchException($"fan in/out needs at least 2 dimensions, got [{string.Join(", ", s)}]");
        long receptive = 1;
        for (var i = 2; i < s.Length; i++) receptive *= s[i];
        return (s[1] * receptive, s[0] * receptive);
    }

    /// <summary>Gain for a nonlinearity ("relu", "leaky_relu" with slope <paramref name="a"/>, "linear", "tanh", "sigmoid").</summary>
    public static double Gain(string nonlinearity, double a = 0) => nonlinearity switch
    {
        "relu" => Math.Sqrt(2.0),
        "leaky_relu" => Math.Sqrt(2.0 / (1 + a * a)),
        "tanh" => 5.0 / 3,
        "linear" or "sigmoid" or "conv2d" => 1.0,
        _ => throw new ArgumentException($"unknown nonlinearity '{nonlinearity}'"),
    };

    public static Tensor Uniform(Tensor t, double low, double high)
    {
        using var _ = torch.NoGrad();
        return t.UniformInPlace(low, high);
    }

    public static Tensor Normal(Tensor t, double mean = 0, double std = 1)
    {
        using var _ = torch.NoGrad();
        return t.NormalInPlace(mean, std);
    }

    public static Tensor Constant(Tensor t, double value)
    {
        using var _ = torch.NoGrad();
        return t.Fill(value);
    }

    public static Tensor Zeros(Tensor t) => Constant(t, 0);
    public static Tensor Ones(Tensor t) => Constant(t, 1);

    /// <summary>He uniform: U(-b, b) with b = gain·sqrt(3 / fan).</summary>
    public static Tensor KaimingUniform(Tensor t, double a = 0, bool fanIn = true, string nonlinearity = "leaky_relu")
    {
        var (i, o) = Fans(t);
        var bound = Gain(nonlinearity, a) * Math.Sqrt(3.0 / (fanIn ? i : o));
        return Uniform(t, -bound, bound);
    }

    /// <summary>He normal: N(0, gain / sqrt(fan)); torchvision's ResNets use fan_out with relu.</summary>
    public static Tensor KaimingNormal(Tensor t, double a = 0, bool fanIn = true, string nonlinearity = "leaky_relu")
    {
        var (i, o) = Fans(t);
        return Normal(t, 0, Gain(nonlinearity, a) / Math.Sqrt(fanIn ? i : o));
    }

    public static Tensor XavierUniform(Tensor t, double gain = 1)
    {
        var (i, o) = Fans(t);
        var bound = gain * Math.Sqrt(6.0 / (i + o));
        return Uniform(t, -bound, bound);
    }

    public static Tensor XavierNormal(Tensor t, double gain = 1)
    {
        var (i, o) = Fans(t);
        return Normal(t, 0, gain * Math.Sqrt(2.0 / (i + o)));
    }
}
