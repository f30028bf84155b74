using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// The heads of a model gathered as one module, so a phase on cached features can train, validate and snapshot them
/// without the backbone. Forward applies the primary head. The heads still belong to their model.
/// </summary>
public sealed class HeadSet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> _primary;

    public HeadSet(Module<Tensor, Tensor> primary, IEnumerable<(string Name, Module<Tensor, Tensor> Head)>? others = null) : base(nameof(HeadSet))
    {
        _primary = primary;
        register_module("primary", primary);
        foreach (var (name, head) in others ?? []) register_module(name, head);
    }

    public override Tensor forward(Tensor input) => _primary.forward(input);

    // Registered by name in the constructor; the default would register the primary head a second time.
    protected override void RegisterComponents() { }

    // The heads belong to their model, which disposes them; a HeadSet is only a view.
    protected override void Dispose(bool disposing) { }
}
