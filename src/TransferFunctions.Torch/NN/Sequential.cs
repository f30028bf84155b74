namespace TransferFunctions.Torch.NN;

/// <summary>Runs children in order; children are named "0", "1", ... unless named explicitly.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = new();

    public Sequential() { }

    public Sequential(params Module[] layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    public Sequential(params (string Name, Module Module)[] layers)
    {
        foreach (var (name, module) in layers) Add(name, module);
    }

    public int Count => _layers.Count;
    public Module this[int index] => _layers[index];

    public Sequential Add(Module layer) => Add(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);

    public Sequential Add(string name, Module layer)
    {
        RegisterModule(name, layer);
        _layers.Add(layer);
        return this;
    }

    public override Tensor Forward(Tensor input)
    {
        if (_layers.Count == 0) return input.Alias();
        // Intermediates are disposed as soon as the next layer has consumed them; autograd keeps what it needs natively.
        var x = _layers[0].Forward(input);
        for (var i = 1; i < _layers.Count; i++)
        {
            var next = _layers[i].Forward(x);
            if (!ReferenceEquals(next, x)) x.Dispose();
            x = next;
        }
        return x;
    }
}
