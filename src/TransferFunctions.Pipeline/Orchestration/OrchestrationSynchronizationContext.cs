using System.Collections.Concurrent;

namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// Runs orchestrator continuations one at a time, only when the runner drains the queue. This is
/// what makes replay deterministic: completions are delivered one by one, in journal order, and
/// the orchestrator runs until it is idle before the next is delivered.
/// </summary>
internal sealed class OrchestrationSynchronizationContext : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private int _drainingThread = -1;

    /// <summary>Signalled when work is posted, so a runner waiting for completions notices work posted from elsewhere.</summary>
    public SemaphoreSlim Wake => _wake;

    public override void Post(SendOrPostCallback d, object? state)
    {
        _queue.Enqueue((d, state));
        if (Volatile.Read(ref _drainingThread) != Environment.CurrentManagedThreadId)
        {
            _wake.Release();
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Orchestrator code cannot block on a synchronous call.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs queued work (and the work it queues) until none is left.</summary>
    public void Drain()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        Volatile.Write(ref _drainingThread, Environment.CurrentManagedThreadId);
        try
        {
            while (_queue.TryDequeue(out var work))
            {
                work.Callback(work.State);
            }
        }
        finally
        {
            Volatile.Write(ref _drainingThread, -1);
            SetSynchronizationContext(previous);
        }
    }

    /// <summary>Runs <paramref name="action"/> as orchestrator work, then drains.</summary>
    public void Run(Action action)
    {
        Post(_ => action(), null);
        Drain();
    }
}
