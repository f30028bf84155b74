namespace TransferFunctions.Torch.NN;

/// <summary>A trainable tensor owned by a <see cref="Module"/>; never collected by a <see cref="DisposeScope"/>.</summary>
public sealed class Parameter : Tensor
{
    /// <summary>Takes a new handle to <paramref name="data"/>'s values as a leaf that requires grad (unless told otherwise).</summary>
    public Parameter(Tensor data, bool requiresGrad = true)
        : base(CreateLeaf(data), track: false)
    {
        RequiresGrad = requiresGrad;
    }

    /// <summary>Takes ownership of a native handle as is (same autograd identity), e.g. a TorchScript module's parameter.</summary>
    internal Parameter(IntPtr ownedHandle) : base(ownedHandle, track: false) { }

    private static IntPtr CreateLeaf(Tensor data)
    {
        // Detach makes the parameter a leaf even when data came from a computation.
        using var leaf = data.Detach().DetachFromDisposeScope();
        return Interop.NativeMethods.Check(Interop.NativeMethods.tfn_tensor_alias(leaf.Ptr));
    }
}
