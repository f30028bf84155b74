using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Models;

/// <summary>
/// A TorchScript model exported from PyTorch (<c>torch.jit.trace</c>/<c>script</c> + <c>save</c>) used as a trainable
/// backbone: <see cref="forward"/> runs the child module named as the feature layer (or the whole module) and returns
/// features [N, D]. Its parameters are the script module's own, so an optimizer over them fine-tunes it; it saves back
/// to TorchScript with <see cref="Save"/> (<c>torch.jit.save</c>, loadable by PyTorch), not TorchSharp's format.
/// </summary>
public sealed class TorchScriptBackbone : nn.Module<Tensor, Tensor>
{
    /// <summary>File name of the TorchScript model inside a base-model package.</summary>
    public const string ModelFile = "model.pt";

    private readonly jit.ScriptModule _module;
    private readonly jit.ScriptModule _features;

    private TorchScriptBackbone(jit.ScriptModule module, string? featureLayer) : base(nameof(TorchScriptBackbone))
    {
        _module = module;
        FeatureLayer = featureLayer;
        _features = featureLayer is null
            ? module
            : module.named_children().FirstOrDefault(c => c.name == featureLayer).module as jit.ScriptModule
              ?? throw new ArgumentException($"the TorchScript model has no child module '{featureLayer}' (children: {string.Join(", ", module.named_children().Select(c => c.name))})");
        // Not registered as a submodule: TorchSharp's Module.Dispose walks a child's descendants after disposing the
        // child, which fails for a script module. Parameters, buffers and modes are delegated instead.
    }

    /// <summary>The child module whose output is the features, as the model card names it; null for the whole module.</summary>
    public string? FeatureLayer { get; }

    /// <summary>Loads <paramref name="path"/> (a TorchScript file) onto <paramref name="device"/> (default CPU).</summary>
    public static TorchScriptBackbone Load(string path, string? featureLayer, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"TorchScript file not found: {path}", path);
        jit.ScriptModule module;
        try
        {
            module = device is null ? jit.load(path) : jit.load(path, device);
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            throw new InvalidDataException($"{path}: not a loadable TorchScript model ({e.Message.Split('\n')[0]})", e);
        }
        return new TorchScriptBackbone(module, featureLayer);
    }

    /// <summary>Loads a package directory's <see cref="ModelFile"/> with the feature layer its card names.</summary>
    public static TorchScriptBackbone Load(string directory, ModelCard card, Device? device = null) =>
        Load(Path.Combine(directory, ModelFile), card.FeatureLayer, device);

    public override Tensor forward(Tensor input) => (Tensor)_features.forward(input);

    // The script module is delegated to, not registered (see the constructor).
    protected override void RegisterComponents() { }

    private const string Prefix = "model.";

    public override IEnumerable<(string name, TorchSharp.Modules.Parameter parameter)> named_parameters(bool recurse = true) =>
        _module.named_parameters(recurse).Select(p => (Prefix + p.name, p.parameter));

    public override IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true, bool include_nonpersistent = true) =>
        _module.named_buffers(recurse, include_nonpersistent).Select(b => (Prefix + b.name, b.buffer));

    public override void train(bool train = true)
    {
        base.train(train);
        _module.train(train);
    }

    public override bool training => _module.training;

    protected override void Dispose(bool disposing)
    {
        // Ours first: it releases the parameter and buffer handles it lists through the script module.
        base.Dispose(disposing);
        if (disposing)
        {
            if (!ReferenceEquals(_features, _module)) _features.Dispose();
            _module.Dispose();
        }
    }

    /// <summary>Writes the whole TorchScript model (its trained weights included) with <c>torch.jit.save</c>.</summary>
    public void Save(string path) => jit.save(_module, path);
}
