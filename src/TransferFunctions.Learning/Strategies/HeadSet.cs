using TransferFunctions.Torch;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// The heads of a model gathered as one module, so a phase on cached features can train, validate and snapshot them
/// without the backbone. Forward applies the primary head. The heads still belong to their model.
/// </summary>
public sealed class HeadSet : Module
{
    private readonly Module _primary;

    public HeadSet(Module primary, IEnumerable<(string Name, Module Head)>? others = null)
    {
        _primary = RegisterModule("primary", primary);
        foreach (var (name, head) in others ?? []) RegisterModule(name, head);
    }

    public override Tensor Forward(Tensor input) => _primary.Forward(input);
}
