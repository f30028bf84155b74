namespace TransferFunctions.Torch.NN;

/// <summary>Batch normalization over channels of [N, C, H, W], with torchvision's buffer names.</summary>
public sealed class BatchNorm2d : Module
{
    public BatchNorm2d(long features, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    {
        Features = features;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            using var w = torch.Ones(new[] { features });
            using var b = torch.Zeros(new[] { features });
            RegisterParameter("weight", new Parameter(w));
            RegisterParameter("bias", new Parameter(b));
        }
        if (trackRunningStats)
        {
            RegisterBuffer("running_mean", torch.Zeros(new[] { features }));
            RegisterBuffer("running_var", torch.Ones(new[] { features }));
            RegisterBuffer("num_batches_tracked", torch.Zeros(Array.Empty<long>(), ScalarType.Int64));
        }
    }

    public long Features { get; }
    public double Eps { get; }
    public double Momentum { get; }
    public Parameter? Weight => GetParameter("weight");
    public Parameter? Bias => GetParameter("bias");
    public Tensor? RunningMean => GetBuffer("running_mean");
    public Tensor? RunningVar => GetBuffer("running_var");

    public override Tensor Forward(Tensor input)
    {
        var mean = RunningMean;
        // Without running stats, batch statistics are used in eval too (as PyTorch does).
        var useBatchStats = Training || mean is null;
        if (Training && GetBuffer("num_batches_tracked") is { } tracked)
        {
            using var _ = torch.NoGrad();
            tracked.AddInPlace(1);
        }
        return Functional.BatchNorm(input, mean, RunningVar, Weight, Bias, useBatchStats, Momentum, Eps);
    }
}
