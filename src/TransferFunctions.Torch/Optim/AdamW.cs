using TransferFunctions.Torch.Interop;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Torch.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter), PyTorch's update: p ← p·(1 − lr·wd);
/// m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε), where t counts
/// the steps in which that parameter had a gradient (its <c>step</c> state), as PyTorch does.
/// </summary>
public sealed class AdamW : Optimizer
{
    public AdamW(IEnumerable<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8) : base(groups)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    public AdamW(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double weightDecay = 1e-2, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : this(SingleGroup(parameters, learningRate, weightDecay), beta1, beta2, eps) { }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }

    protected override Tensor CreateState(string name, Parameter parameter) =>
        name == "step" ? torch.Zeros(Array.Empty<long>(), ScalarType.Int64) : base.CreateState(name, parameter);

    public override unsafe void Step()
    {
        StepCount++;
        for (var g = 0; g < ParamGroups.Count; g++)
        {
            var group = ParamGroups[g];
            var n = group.Parameters.Count;
            var ps = Handles(group.Parameters);
            var m = Handles(Enumerable.Range(0, n).Select(i => StateOf(g, i, "exp_avg")).ToList());
            var v = Handles(Enumerable.Range(0, n).Select(i => StateOf(g, i, "exp_avg_sq")).ToList());
            var t = Handles(Enumerable.Range(0, n).Select(i => StateOf(g, i, "step")).ToList());
            fixed (IntPtr* pp = ps)
            fixed (IntPtr* pm = m)
            fixed (IntPtr* pv = v)
            fixed (IntPtr* pt = t)
                NativeMethods.Check(NativeMethods.tfn_optim_adamw_step(pp, pm, pv, pt, n, group.LearningRate, Beta1, Beta2, Eps, group.WeightDecay));
            GC.KeepAlive(group);
            GC.KeepAlive(State);
        }
    }
}
