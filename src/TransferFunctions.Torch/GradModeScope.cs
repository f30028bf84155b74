using N = TransferFunctions.Torch.Interop.NativeMethods;

namespace TransferFunctions.Torch;

/// <summary>Sets autograd's thread-local mode and restores the previous one when disposed.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly bool _previous;

    internal GradModeScope(bool enabled) => _previous = N.tfn_autograd_set_enabled(enabled ? 1 : 0) != 0;

    public void Dispose() => N.tfn_autograd_set_enabled(_previous ? 1 : 0);
}
