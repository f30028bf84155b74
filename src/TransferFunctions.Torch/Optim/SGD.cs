using TransferFunctions.Torch.Interop;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Torch.Optim;

/// <summary>
/// Stochastic gradient descent as PyTorch defines it: d = g + wd·p; b = μ·b + (1−τ)·d (b = d on the
/// first step); d = d + μ·b (Nesterov) or b; p = p − lr·d.
/// </summary>
public sealed class SGD : Optimizer
{
    public SGD(IEnumerable<ParamGroup> groups, double momentum = 0, double dampening = 0, bool nesterov = false) : base(groups)
    {
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum requires momentum > 0 and zero dampening");
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    public SGD(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false)
        : this(SingleGroup(parameters, learningRate, weightDecay), momentum, 0, nesterov) { }

    public double Momentum { get; }
    public double Dampening { get; }
    public bool Nesterov { get; }

    public override unsafe void Step()
    {
        var first = StepCount == 0;
        StepCount++;
        for (var g = 0; g < ParamGroups.Count; g++)
        {
            var group = ParamGroups[g];
            var ps = Handles(group.Parameters);
            var bufs = Momentum != 0 ? Handles(Enumerable.Range(0, ps.Length).Select(i => StateOf(g, i, "momentum_buffer")).ToList()) : new IntPtr[ps.Length];
            fixed (IntPtr* p = ps)
            fixed (IntPtr* b = bufs)
                NativeMethods.Check(NativeMethods.tfn_optim_sgd_step(p, b, ps.Length, group.LearningRate, Momentum, Dampening, group.WeightDecay, Nesterov ? 1 : 0, first ? 1 : 0));
            GC.KeepAlive(group);
            GC.KeepAlive(State);
        }
    }
}
