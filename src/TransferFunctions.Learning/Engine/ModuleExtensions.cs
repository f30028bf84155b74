using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Engine;

/// <summary>What our training code needs on any TorchSharp module: freezing by name prefix, checked state loading, counts.</summary>
public static class ModuleExtensions
{
    /// <summary>Stops gradients for parameters whose name is <paramref name="prefix"/> or starts with it and a dot ("" = all); returns how many.</summary>
    public static int Freeze(this nn.Module module, string prefix = "") => SetRequiresGrad(module, prefix, false);

    /// <summary>Lets gradients flow again into parameters under <paramref name="prefix"/> ("" = all); returns how many.</summary>
    public static int Unfreeze(this nn.Module module, string prefix = "") => SetRequiresGrad(module, prefix, true);

    /// <summary>True when <paramref name="name"/> is <paramref name="prefix"/> or lies under it ("layer1" matches "layer1.0.conv1.weight", not "layer10").</summary>
    public static bool IsUnder(string name, string prefix) =>
        prefix.Length == 0 || name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal) || prefix.EndsWith('.') && name.StartsWith(prefix, StringComparison.Ordinal);

    private static int SetRequiresGrad(nn.Module module, string prefix, bool value)
    {
        var n = 0;
        foreach (var (name, p) in module.named_parameters())
        {
            if (!IsUnder(name, prefix)) continue;
            p.requires_grad = value;
            n++;
        }
        return n;
    }

    /// <summary>Parameters under <paramref name="prefix"/>, in registration order.</summary>
    public static IEnumerable<Parameter> ParametersUnder(this nn.Module module, string prefix) =>
        module.named_parameters().Where(p => IsUnder(p.name, prefix)).Select(p => p.parameter);

    public static long ParameterCount(this nn.Module module, bool trainableOnly = false) =>
        module.parameters().Where(p => !trainableOnly || p.requires_grad).Sum(p => p.numel());

    /// <summary>
    /// Copies values from <paramref name="state"/> into the module's tensors (dtype and device converted). Names and
    /// shapes are checked before anything is copied, so a failed load leaves the module as it was and says what differs.
    /// With <paramref name="strict"/>, missing or unexpected names are errors.
    /// </summary>
    public static (IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected) LoadStateDictChecked(this nn.Module module, IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = module.state_dict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new InvalidDataException($"state dict does not match the module: missing [{string.Join(", ", missing.Take(10))}], unexpected [{string.Join(", ", unexpected.Take(10))}]");
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var source)) continue;
            if (!target.shape.SequenceEqual(source.shape))
                throw new InvalidDataException($"'{name}': the module expects shape [{string.Join(", ", target.shape)}] but the state dict has [{string.Join(", ", source.shape)}]");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (name, target) in own)
            if (state.TryGetValue(name, out var source)) target.copy_(source.to(target.dtype, target.device));
        return (missing, unexpected);
    }

    /// <summary>Sets every parameter's gradient to none (not zero): a parameter without a gradient gets no weight decay or momentum.</summary>
    public static void ClearGradients(IEnumerable<Parameter> parameters)
    {
        foreach (var p in parameters)
        {
            using var g = p.grad;
            if (g is not null) p.grad = null;
        }
    }
}
