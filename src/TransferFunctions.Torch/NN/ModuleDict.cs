namespace TransferFunctions.Torch.NN;

/// <summary>Named child modules (PyTorch's <c>nn.ModuleDict</c>); it has no forward of its own.</summary>
public sealed class ModuleDict<T> : Module where T : Module
{
    private readonly Dictionary<string, T> _modules = new();

    public IReadOnlyDictionary<string, T> Items => _modules;

    public T this[string name] => _modules[name];

    public void Add(string name, T module)
    {
        RegisterModule(name, module);
        _modules[name] = module;
    }

    public override Tensor Forward(Tensor input) => throw new NotSupportedException("a ModuleDict has no forward; call one of its modules");
}
