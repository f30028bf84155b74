using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Models;

/// <summary>
/// Any TorchSharp module that maps inputs to features [N, D] (a user's own <c>Module&lt;Tensor, Tensor&gt;</c>, a
/// <see cref="TorchScriptBackbone"/>, ...) with a linear head <c>fc</c> for the target classes: the shape the training
/// loop fine-tunes end to end.
/// </summary>
public sealed class BackboneClassifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _backbone;

    public BackboneClassifier(nn.Module<Tensor, Tensor> backbone, long featureDimension, int classes) : base(nameof(BackboneClassifier))
    {
        _backbone = backbone;
        Head = nn.Linear(featureDimension, classes);
        register_module("backbone", backbone);
        register_module("fc", Head);
    }

    public Linear Head { get; }

    public Tensor Features(Tensor input) => _backbone.forward(input);

    // Registered by name in the constructor; the default would register the private fields a second time.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor input)
    {
        using var features = _backbone.forward(input);
        return Head.forward(features);
    }
}
