namespace TransferFunctions.Torch.NN;

/// <summary>
/// Base of every layer and model: named parameters, buffers and children, in registration order
/// (so state-dict names match PyTorch's, e.g. <c>layer1.0.conv1.weight</c>), train/eval mode,
/// freezing by name prefix, and state dicts.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Parameter?>> _parameters = new();
    private readonly List<KeyValuePair<string, Tensor?>> _buffers = new();
    private readonly List<KeyValuePair<string, Module>> _children = new();
    private bool _disposed;

    /// <summary>True in training mode (dropout active, batch-norm uses and updates batch statistics).</summary>
    public bool Training { get; private set; } = true;

    public abstract Tensor Forward(Tensor input);

    public Tensor Call(Tensor input) => Forward(input);

    // ---- registration ----
    protected Parameter? RegisterParameter(string name, Parameter? parameter)
    {
        Set(_parameters, name, parameter);
        return parameter;
    }

    protected Tensor? RegisterBuffer(string name, Tensor? buffer)
    {
        buffer?.DetachFromDisposeScope();
        Set(_buffers, name, buffer);
        return buffer;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        Set(_children, name, module);
        return module;
    }

    private static void Set<T>(List<KeyValuePair<string, T>> list, string name, T value)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.')) throw new ArgumentException($"invalid member name '{name}'");
        var i = list.FindIndex(kv => kv.Key == name);
        if (i >= 0) list[i] = new(name, value);
        else list.Add(new(name, value));
    }

    /// <summary>Replaces a registered buffer (e.g. after moving it to another device), keeping its position.</summary>
    protected void ReplaceBuffer(string name, Tensor buffer) => RegisterBuffer(name, buffer);

    // ---- enumeration ----
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children.Select(kv => (kv.Key, kv.Value));

    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in _children)
            foreach (var m in child.NamedModules(Join(prefix, name)))
                yield return m;
    }

    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(bool recurse = true) =>
        NamedModules().Where(m => recurse || m.Module == this)
            .SelectMany(m => m.Module._parameters.Where(kv => kv.Value is not null).Select(kv => (Join(m.Name, kv.Key), kv.Value!)));

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(bool recurse = true) =>
        NamedModules().Where(m => recurse || m.Module == this)
            .SelectMany(m => m.Module._buffers.Where(kv => kv.Value is not null).Select(kv => (Join(m.Name, kv.Key), kv.Value!)));

    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    public IEnumerable<Parameter> TrainableParameters() => Parameters().Where(p => p.RequiresGrad);

    public long ParameterCount(bool trainableOnly = false) =>
        NamedParameters().Where(p => !trainableOnly || p.Parameter.RequiresGrad).Sum(p => p.Parameter.NumberOfElements);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    // ---- modes ----
    public virtual Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in _children) child.Train(on);
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Stops gradients for parameters whose name starts with <paramref name="prefix"/> ("" = all).</summary>
    public int Freeze(string prefix = "") => SetRequiresGrad(prefix, false);

    public int Unfreeze(string prefix = "") => SetRequiresGrad(prefix, true);

    private int SetRequiresGrad(string prefix, bool value)
    {
        var n = 0;
        foreach (var (name, p) in NamedParameters())
        {
            if (prefix.Length > 0 && !(name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal) || name.StartsWith(prefix, StringComparison.Ordinal) && prefix.EndsWith('.')))
                continue;
            p.RequiresGrad = value;
            n++;
        }
        return n;
    }

    // ---- state ----

    /// <summary>Parameters and buffers by full name; the tensors are the module's own (not copies).</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) state[name] = p;
        foreach (var (name, b) in NamedBuffers()) state[name] = b;
        return state;
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's tensors (dtype converted, shapes
    /// checked). With <paramref name="strict"/>, missing or unexpected names are errors.
    /// </summary>
    public LoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new TorchException($"state dict does not match the module: missing [{string.Join(", ", missing.Take(10))}], unexpected [{string.Join(", ", unexpected.Take(10))}]");
        // Every shape is checked before anything is copied, so a failed load leaves the module as it was.
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var source)) continue;
            var ts = target.Shape;
            var ss = source.Shape;
            if (!ts.SequenceEqual(ss))
                throw new TorchException($"'{name}': the module expects shape [{string.Join(", ", ts)}] but the state dict has [{string.Join(", ", ss)}]");
        }
        using var noGrad = torch.NoGrad();
        using var scope = torch.NewDisposeScope();
        foreach (var (name, target) in own)
            if (state.TryGetValue(name, out var source)) target.CopyFrom(source.To(target.DType, target.Device));
        return new LoadResult(missing, unexpected);
    }

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> (in place for the module).</summary>
    public virtual Module To(Device device)
    {
        foreach (var (_, m) in NamedModules())
        {
            for (var i = 0; i < m._parameters.Count; i++)
            {
                var (name, p) = m._parameters[i];
                if (p is null || p.Device == device) continue;
                using var moved = p.To(device).DetachFromDisposeScope();
                m._parameters[i] = new(name, new Parameter(moved, p.RequiresGrad));
                p.Dispose();
            }
            for (var i = 0; i < m._buffers.Count; i++)
            {
                var (name, b) = m._buffers[i];
                if (b is null || b.Device == device) continue;
                m._buffers[i] = new(name, b.To(device).DetachFromDisposeScope());
                b.Dispose();
            }
            m.OnMoved();
        }
        return this;
    }

    /// <summary>Lets a module refresh fields that cache its parameters after <see cref="To(Device)"/>.</summary>
    protected virtual void OnMoved() { }

    protected Parameter? GetParameter(string name) => _parameters.FirstOrDefault(kv => kv.Key == name).Value;

    protected Tensor? GetBuffer(string name) => _buffers.FirstOrDefault(kv => kv.Key == name).Value;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, p) in _parameters) p?.Dispose();
        foreach (var (_, b) in _buffers) b?.Dispose();
        foreach (var (_, c) in _children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}
