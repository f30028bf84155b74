using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TransferFunctions.Torch.Interop;
using N = TransferFunctions.Torch.Interop.NativeMethods;

namespace TransferFunctions.Torch;

/// <summary>
/// A libtorch tensor. Owned by a <see cref="SafeHandle"/>; created inside a <see cref="DisposeScope"/>
/// it is disposed with the scope, otherwise by <see cref="Dispose"/> or, failing that, the finalizer.
/// </summary>
public partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;

    internal Tensor(IntPtr handle, bool track = true)
    {
        _handle = new TensorHandle(N.Check(handle));
        if (track) DisposeScope.Current?.Register(this);
    }

    /// <summary>
    /// Wraps a native result. The operands are passed in so they stay reachable until the native call
    /// has returned: an unused parameter alone does not do that once the JIT inlines this method, and
    /// a finalizer could otherwise free an operand's handle while libtorch is still reading it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr result, object? keep1 = null, object? keep2 = null, object? keep3 = null)
    {
        GC.KeepAlive(keep1);
        GC.KeepAlive(keep2);
        GC.KeepAlive(keep3);
        return new(result);
    }

    internal IntPtr Ptr
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_handle.IsClosed) throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed (by Dispose or by its DisposeScope)");
            return _handle.DangerousGetHandle();
        }
    }

    internal static IntPtr PtrOrNull(Tensor? t) => t is null ? IntPtr.Zero : t.Ptr;

    // Returns a native call's result after it finished, keeping this tensor (and its handle's finalizer) at bay until then.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T KeepAlive<T>(T result)
    {
        GC.KeepAlive(this);
        return result;
    }

    public bool IsDisposed => _handle.IsClosed;

    public void Dispose()
    {
        // The SafeHandle's finalizer covers tensors nobody disposed.
        _handle.Dispose();
    }

    /// <summary>Keeps this tensor alive past the current scope by handing it to the outer one.</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        DisposeScope.Current?.MoveToOuter(this);
        return this;
    }

    /// <summary>Removes this tensor from any scope; the caller now owns it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        for (var s = DisposeScope.Current; s is not null; s = s.Outer)
            if (s.Forget(this)) break;
        return this;
    }

    // ---- metadata ----
    public long Dim => KeepAlive(N.tfn_tensor_dim(Ptr));
    public long NumberOfElements => KeepAlive(N.tfn_tensor_numel(Ptr));

    public unsafe long[] Shape
    {
        get
        {
            var p = Ptr;
            var shape = new long[N.tfn_tensor_dim(p)];
            fixed (long* s = shape) N.tfn_tensor_shape(p, s);
            GC.KeepAlive(this);
            return shape;
        }
    }

    public long Size(int dim)
    {
        var shape = Shape;
        return shape[dim < 0 ? shape.Length + dim : dim];
    }

    public ScalarType DType => (ScalarType)KeepAlive(N.tfn_tensor_dtype(Ptr));

    public Device Device
    {
        get
        {
            var p = Ptr;
            var d = new Device((DeviceType)N.tfn_tensor_device_type(p), N.tfn_tensor_device_index(p));
            GC.KeepAlive(this);
            return d;
        }
    }

    public bool IsContiguous => KeepAlive(N.tfn_tensor_is_contiguous(Ptr)) != 0;
    public long ByteSize => KeepAlive(N.tfn_tensor_nbytes(Ptr));

    public override string ToString() => $"Tensor[{string.Join(", ", Shape)}] {DType} {Device}";

    // ---- data in and out ----

    /// <summary>Same as <see cref="torch.FromArray{T}(T[], long[])"/>.</summary>
    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged => torch.FromArray(data, shape);

    /// <summary>Copies the values (row-major) into a new managed array; the element type must match <see cref="DType"/>.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var expected = TensorTypes.ScalarTypeOf<T>();
        if (DType != expected) throw new TorchException($"cannot read a {DType} tensor as {typeof(T).Name} ({expected}); convert with .To(ScalarType.{expected}) first");
        var result = new T[NumberOfElements];
        fixed (T* dst = result) N.Check(N.tfn_tensor_copy_to(Ptr, dst, (long)result.Length * sizeof(T)));
        GC.KeepAlive(this);
        return result;
    }

    /// <summary>Copies the values into <paramref name="destination"/>, which must hold exactly as many elements.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var expected = TensorTypes.ScalarTypeOf<T>();
        if (DType != expected) throw new TorchException($"cannot read a {DType} tensor as {typeof(T).Name}");
        fixed (T* dst = destination) N.Check(N.tfn_tensor_copy_to(Ptr, dst, (long)destination.Length * sizeof(T)));
        GC.KeepAlive(this);
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public unsafe double Item()
    {
        double v;
        N.Check(N.tfn_tensor_item(Ptr, &v));
        GC.KeepAlive(this);
        return v;
    }

    public unsafe long ItemLong()
    {
        long v;
        N.Check(N.tfn_tensor_item_long(Ptr, &v));
        GC.KeepAlive(this);
        return v;
    }

    public Tensor To(ScalarType dtype) => Wrap(N.tfn_tensor_to(Ptr, (int)dtype, (int)Device.Type, Device.Index, 0), this);

    public Tensor To(Device device)
    {
        var d = device;
        return Wrap(N.tfn_tensor_to(Ptr, (int)DType, (int)d.Type, d.Index, 0), this);
    }

    public Tensor To(ScalarType dtype, Device device) => Wrap(N.tfn_tensor_to(Ptr, (int)dtype, (int)device.Type, device.Index, 0), this);

    public Tensor Cpu() => To(Device.CPU);
    public Tensor Clone() => Wrap(N.tfn_tensor_clone(Ptr), this);

    /// <summary>A new handle to the same tensor (shares storage and autograd identity).</summary>
    public Tensor Alias() => Wrap(N.tfn_tensor_alias(Ptr), this);

    /// <summary>Copies <paramref name="source"/>'s values into this tensor in place, without recording autograd history.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        N.Check(N.tfn_tensor_copy_(Ptr, source.Ptr));
        GC.KeepAlive(source);
        return this;
    }

    // ---- autograd ----
    public bool RequiresGrad
    {
        get => KeepAlive(N.tfn_tensor_requires_grad(Ptr)) != 0;
        set => N.Check(KeepAlive(N.tfn_tensor_set_requires_grad(Ptr, value ? 1 : 0)));
    }

    public bool IsLeaf => KeepAlive(N.tfn_tensor_is_leaf(Ptr)) != 0;

    /// <summary>The accumulated gradient, or null before the first backward pass. A new handle each call.</summary>
    public Tensor? Grad
    {
        get
        {
            N.Check(N.tfn_tensor_grad(Ptr, out var g));
            GC.KeepAlive(this);
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set
        {
            N.Check(N.tfn_tensor_set_grad(Ptr, PtrOrNull(value)));
            GC.KeepAlive(value);
        }
    }

    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        N.Check(N.tfn_tensor_backward(Ptr, PtrOrNull(gradient), retainGraph ? 1 : 0));
        GC.KeepAlive(this);
        GC.KeepAlive(gradient);
    }

    public Tensor Detach() => Wrap(N.tfn_tensor_detach(Ptr), this);
}
