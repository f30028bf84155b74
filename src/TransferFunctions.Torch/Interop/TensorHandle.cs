using System.Runtime.InteropServices;

namespace TransferFunctions.Torch.Interop;

/// <summary>
/// Owns one native <c>at::Tensor*</c>. Reports the tensor's byte size to the GC so that a tensor
/// nobody disposed is collected promptly instead of letting native memory pile up unseen.
/// </summary>
internal sealed class TensorHandle : SafeHandle
{
    // Below this, the bookkeeping costs more than it tells the GC.
    private const long PressureThreshold = 4096;
    private readonly long _pressure;

    internal TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
        var bytes = NativeMethods.tfn_tensor_nbytes(handle);
        if (bytes >= PressureThreshold)
        {
            _pressure = bytes;
            GC.AddMemoryPressure(bytes);
        }
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.tfn_tensor_free(handle);
        if (_pressure > 0) GC.RemoveMemoryPressure(_pressure);
        return true;
    }
}
