namespace TransferFunctions.Torch;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost scope, and disposes
/// them when it ends, so a training step allocates nothing that outlives it. Results that must
/// survive are moved out with <see cref="MoveToOuter"/> or <see cref="Tensor.MoveToOuterDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;
    private readonly List<Tensor> _tensors = new();
    private bool _disposed;

    internal DisposeScope()
    {
        Outer = _current;
        _current = this;
    }

    /// <summary>The innermost open scope on this thread, if any.</summary>
    public static DisposeScope? Current => _current;

    /// <summary>The scope that was current when this one opened.</summary>
    public DisposeScope? Outer { get; }

    /// <summary>How many tensors this scope still owns.</summary>
    public int Count => _tensors.Count(t => !t.IsDisposed);

    internal void Register(Tensor tensor) => _tensors.Add(tensor);

    internal bool Forget(Tensor tensor) => _tensors.Remove(tensor);

    /// <summary>Hands <paramref name="tensor"/> to the outer scope (or to nobody) so it survives this one.</summary>
    public T MoveToOuter<T>(T tensor) where T : Tensor
    {
        if (Forget(tensor)) Outer?.Register(tensor);
        return tensor;
    }

    /// <summary>Stops tracking <paramref name="tensor"/>; its owner disposes it.</summary>
    public T Detach<T>(T tensor) where T : Tensor
    {
        Forget(tensor);
        return tensor;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors) t.Dispose();
        _tensors.Clear();
        // Scopes must close in order; a scope closed out of order still restores its outer.
        if (ReferenceEquals(_current, this)) _current = Outer;
    }
}
