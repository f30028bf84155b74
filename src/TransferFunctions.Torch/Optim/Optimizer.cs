using TransferFunctions.Torch.Interop;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Torch.Optim;

/// <summary>Base of the optimizers: parameter groups, per-parameter state tensors, zero_grad, state save/load.</summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParamGroup> _groups;
    // Per group, per parameter, named state tensors (e.g. exp_avg); owned here, never by a scope.
    protected readonly List<Dictionary<string, Tensor>[]> State = new();

    protected Optimizer(IEnumerable<ParamGroup> groups)
    {
        _groups = groups.ToList();
        if (_groups.Count == 0 || _groups.All(g => g.Parameters.Count == 0)) throw new ArgumentException("the optimizer got no parameters");
        foreach (var g in _groups) State.Add(g.Parameters.Select(_ => new Dictionary<string, Tensor>()).ToArray());
    }

    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; protected set; }

    public abstract void Step();

    /// <summary>Clears gradients (sets them to none, as PyTorch's default).</summary>
    public unsafe void ZeroGrad()
    {
        foreach (var g in _groups)
        {
            var handles = Handles(g.Parameters);
            fixed (IntPtr* p = handles) NativeMethods.Check(NativeMethods.tfn_optim_zero_grad(p, handles.Length));
            GC.KeepAlive(g);
        }
    }

    /// <summary>Rescales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    public unsafe double ClipGradNorm(double maxNorm)
    {
        var all = Handles(_groups.SelectMany(g => g.Parameters).ToList());
        double norm;
        fixed (IntPtr* p = all) NativeMethods.Check(NativeMethods.tfn_optim_clip_grad_norm(p, all.Length, maxNorm, out norm));
        GC.KeepAlive(_groups);
        return norm;
    }

    protected static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        var h = new IntPtr[tensors.Count];
        for (var i = 0; i < h.Length; i++) h[i] = tensors[i].Ptr;
        return h;
    }

    /// <summary>The state tensor <paramref name="name"/> of a parameter, created as zeros on first use.</summary>
    protected Tensor StateOf(int group, int index, string name)
    {
        var s = State[group][index];
        if (!s.TryGetValue(name, out var t))
        {
            t = CreateState(name, _groups[group].Parameters[index]).DetachFromDisposeScope();
            s[name] = t;
        }
        return t;
    }

    /// <summary>A new state tensor for <paramref name="parameter"/>: zeros shaped like it unless an optimizer needs otherwise.</summary>
    protected virtual Tensor CreateState(string name, Parameter parameter) => torch.ZerosLike(parameter);

    /// <summary>
    /// Everything needed to resume: state tensors named <c>state.{group}.{index}.{name}</c>, plus
    /// hyperparameters and the step count as string metadata (safetensors-ready).
    /// </summary>
    public (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) StateDict()
    {
        var tensors = new Dictionary<string, Tensor>();
        for (var g = 0; g < State.Count; g++)
            for (var i = 0; i < State[g].Length; i++)
                foreach (var (name, t) in State[g][i])
                    tensors[$"state.{g}.{i}.{name}"] = t;
        var meta = new Dictionary<string, string> { ["step"] = StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        for (var g = 0; g < _groups.Count; g++)
        {
            meta[$"group.{g}.lr"] = _groups[g].LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            meta[$"group.{g}.initial_lr"] = _groups[g].InitialLearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            meta[$"group.{g}.weight_decay"] = _groups[g].WeightDecay.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        return (tensors, meta);
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        StepCount = long.Parse(metadata["step"], inv);
        for (var g = 0; g < _groups.Count; g++)
        {
            if (metadata.TryGetValue($"group.{g}.lr", out var lr)) _groups[g].LearningRate = double.Parse(lr, inv);
            if (metadata.TryGetValue($"group.{g}.initial_lr", out var ilr)) _groups[g].InitialLearningRate = double.Parse(ilr, inv);
            if (metadata.TryGetValue($"group.{g}.weight_decay", out var wd)) _groups[g].WeightDecay = double.Parse(wd, inv);
        }
        foreach (var (key, source) in tensors)
        {
            var parts = key.Split('.', 4);
            if (parts.Length != 4 || parts[0] != "state") throw new TorchException($"unexpected optimizer state entry '{key}'");
            int g = int.Parse(parts[1], inv), i = int.Parse(parts[2], inv);
            if (g >= _groups.Count || i >= _groups[g].Parameters.Count) throw new TorchException($"optimizer state '{key}' has no matching parameter");
            using var _ = torch.NoGrad();
            StateOf(g, i, parts[3]).CopyFrom(source);
        }
    }

    public void Dispose()
    {
        foreach (var group in State)
            foreach (var s in group)
                foreach (var t in s.Values)
                    t.Dispose();
        State.Clear();
        GC.SuppressFinalize(this);
    }

    protected static IEnumerable<ParamGroup> SingleGroup(IEnumerable<Parameter> parameters, double lr, double wd) =>
        new[] { new ParamGroup(parameters.Where(p => p.RequiresGrad), lr, wd) };
}
