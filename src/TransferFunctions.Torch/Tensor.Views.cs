using N = TransferFunctions.Torch.Interop.NativeMethods;

namespace TransferFunctions.Torch;

public partial class Tensor
{
    public unsafe Tensor View(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(N.tfn_tensor_view(Ptr, s, shape.Length), this);
    }

    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(N.tfn_tensor_reshape(Ptr, s, shape.Length), this);
    }

    public unsafe Tensor Expand(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(N.tfn_tensor_expand(Ptr, s, shape.Length), this);
    }

    public unsafe Tensor Permute(params long[] order)
    {
        fixed (long* o = order) return Wrap(N.tfn_tensor_permute(Ptr, o, order.Length), this);
    }

    public Tensor Transpose(long dim0, long dim1) => Wrap(N.tfn_tensor_transpose(Ptr, dim0, dim1), this);
    public Tensor T() => Transpose(0, 1);
    public Tensor Contiguous() => Wrap(N.tfn_tensor_contiguous(Ptr), this);
    public Tensor Squeeze() => Wrap(N.tfn_tensor_squeeze(Ptr, 0, 1), this);
    public Tensor Squeeze(long dim) => Wrap(N.tfn_tensor_squeeze(Ptr, dim, 0), this);
    public Tensor Unsqueeze(long dim) => Wrap(N.tfn_tensor_unsqueeze(Ptr, dim), this);
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(N.tfn_tensor_flatten(Ptr, startDim, endDim), this);

    /// <summary>Elements <c>start..end</c> (exclusive) with <paramref name="step"/> along <paramref name="dim"/>, as a view.</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1) => Wrap(N.tfn_tensor_slice(Ptr, dim, start, end, step), this);

    public Tensor Narrow(long dim, long start, long length) => Slice(dim, start, start + length);

    /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="dim"/>, which is removed.</summary>
    public Tensor Select(long dim, long index) => Wrap(N.tfn_tensor_select(Ptr, dim, index), this);

    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[long index] => Select(0, index);

    /// <summary><c>t[index]</c>: rows picked by an int64 index tensor or kept by a bool mask.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Tensor index] => Wrap(N.tfn_tensor_index(Ptr, index.Ptr), this, index);

    public Tensor IndexSelect(long dim, Tensor index) => Wrap(N.tfn_tensor_index_select(Ptr, dim, index.Ptr), this, index);
    public Tensor Gather(long dim, Tensor index) => Wrap(N.tfn_tensor_gather(Ptr, dim, index.Ptr), this, index);
    public Tensor MaskedSelect(Tensor mask) => Wrap(N.tfn_tensor_masked_select(Ptr, mask.Ptr), this, mask);
    public Tensor MaskedFill(Tensor mask, double value) => Wrap(N.tfn_tensor_masked_fill(Ptr, mask.Ptr, value), this, mask);
    public Tensor OneHot(long classes) => Wrap(N.tfn_tensor_one_hot(Ptr, classes), this);

    /// <summary>Reverses the order of elements along <paramref name="dims"/> (a copy).</summary>
    public unsafe Tensor Flip(params long[] dims)
    {
        fixed (long* d = dims) return Wrap(N.tfn_tensor_flip(Ptr, d, dims.Length), this);
    }

    /// <summary>Rolls elements along <paramref name="dims"/> by <paramref name="shifts"/>, wrapping around.</summary>
    public unsafe Tensor Roll(long[] shifts, long[] dims)
    {
        if (shifts.Length != dims.Length) throw new ArgumentException("roll needs one shift per dimension");
        fixed (long* s = shifts)
        fixed (long* d = dims)
            return Wrap(N.tfn_tensor_roll(Ptr, s, d, dims.Length), this);
    }

    /// <summary>Constant padding; <paramref name="pads"/> lists (before, after) pairs starting from the last dimension, as PyTorch's F.pad.</summary>
    public unsafe Tensor Pad(long[] pads, double value = 0)
    {
        fixed (long* p = pads) return Wrap(N.tfn_tensor_pad(Ptr, p, pads.Length, value), this);
    }
}
