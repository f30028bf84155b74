namespace TransferFunctions.Torch;

/// <summary>An error raised by libtorch (shape mismatch, wrong dtype, bad file...), with libtorch's own message.</summary>
public sealed class TorchException : Exception
{
    public TorchException(string message) : base(message) { }
    public TorchException(string message, Exception inner) : base(message, inner) { }
}
