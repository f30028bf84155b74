using TransferFunctions.Torch;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Learning.Models;

/// <summary>Forward-pass plumbing shared by the ResNet blocks.</summary>
internal static class Layers
{
    /// <summary>
    /// Applies <paramref name="layers"/> in order, disposing each intermediate handle once the next layer
    /// has consumed it. The caller's <paramref name="input"/> is never disposed. Safe with autograd:
    /// the graph holds its own references to what backward needs.
    /// </summary>
    public static Tensor Chain(Tensor input, params Func<Tensor, Tensor>[] layers)
    {
        var x = input;
        foreach (var layer in layers)
        {
            var next = layer(x);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        return ReferenceEquals(x, input) ? x.Alias() : x;
    }

    /// <summary>Applies <paramref name="layer"/> to an intermediate this code owns and releases it.</summary>
    public static Tensor Then(Tensor owned, Func<Tensor, Tensor> layer)
    {
        var next = layer(owned);
        if (!ReferenceEquals(next, owned)) owned.Dispose();
        return next;
    }

    /// <summary>relu(<paramref name="branch"/> + shortcut), in place on the branch; the shortcut is the input or its downsampling.</summary>
    public static Tensor AddResidualAndRelu(Tensor branch, Tensor input, Module? downsample)
    {
        var identity = downsample?.Forward(input) ?? input;
        branch.AddInPlace(identity);
        if (!ReferenceEquals(identity, input)) identity.Dispose();
        var result = Functional.ReluInPlace(branch);
        branch.Dispose();
        return result;
    }
}
