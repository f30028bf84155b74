namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// A store lease held for the length of some work: acquired by waiting while another owner holds it, renewed in the
/// background at a third of its duration, released on dispose. A holder that dies stops renewing, so its lease expires
/// and the next waiter gets it; that is what makes it safe across processes and machines.
/// </summary>
public sealed class HeldLease : IAsyncDisposable
{
    private readonly IObjectStore _store;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lostSignal = new();
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private readonly Task _renewal;
    private readonly TimeSpan _duration;
    private ObjectLease _lease;
    private volatile bool _lost;

    private HeldLease(IObjectStore store, ObjectLease lease, TimeSpan duration)
    {
        _store = store;
        _lease = lease;
        _duration = duration;
        _renewal = RenewAsync(duration);
    }

    /// <summary>The current grant (its expiry moves with each renewal).</summary>
    public ObjectLease Lease => Volatile.Read(ref _lease);

    /// <summary>True once a renewal found the lease taken over (it had expired and another owner acquired it).</summary>
    public bool Lost => _lost;

    /// <summary>Cancelled when the lease is found lost, so work that must not continue without it stops (e.g. before a promotion).</summary>
    public CancellationToken LostToken => _lostSignal.Token;

    /// <summary>
    /// Waits until <paramref name="key"/>'s lease is free, polling every <paramref name="pollInterval"/>, then holds it.
    /// <paramref name="waiting"/> is told once, with the current holder, when the lease is not free at first.
    /// </summary>
    public static async Task<HeldLease> AcquireAsync(
        IObjectStore store, string key, string owner, TimeSpan duration, TimeSpan pollInterval,
        Action<ObjectLease?>? waiting = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        var told = false;
        while (true)
        {
            var lease = await store.AcquireLeaseAsync(key, duration, owner, cancellationToken).ConfigureAwait(false);
            if (lease is not null) return new HeldLease(store, lease, duration);
            if (!told)
            {
                told = true;
                waiting?.Invoke(await store.GetLeaseAsync(key, cancellationToken).ConfigureAwait(false));
            }
            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Proves the lease with the store now (a renewal), for work that must not start without it: a lease can be lost
    /// between background renewals (broken by an operator or another host). Throws <see cref="OperationCanceledException"/>
    /// on <see cref="LostToken"/> when it is lost, and the store's <see cref="IOException"/> when the store does not answer.
    /// </summary>
    public async Task ConfirmAsync(CancellationToken cancellationToken = default)
    {
        if (!_lost && !await TryRenewAsync(_duration, cancellationToken).ConfigureAwait(false))
        {
            await MarkLostAsync().ConfigureAwait(false);
        }

        if (_lost) throw new OperationCanceledException($"The lease on {Lease.Key} was lost.", LostToken);
    }

    private async Task<bool> TryRenewAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var renewed = await _store.RenewLeaseAsync(Lease, duration, cancellationToken).ConfigureAwait(false);
            if (renewed is null) return false;
            Volatile.Write(ref _lease, renewed);
            return true;
        }
        finally
        {
            _renewing.Release();
        }
    }

    private async Task MarkLostAsync()
    {
        _lost = true;
        await _lostSignal.CancelAsync().ConfigureAwait(false);
    }

    private async Task RenewAsync(TimeSpan duration)
    {
        var token = _stop.Token;
        try
        {
            while (true)
            {
                await Task.Delay(duration / 3, token).ConfigureAwait(false);
                if (_lost) return;
                try
                {
                    if (!await TryRenewAsync(duration, token).ConfigureAwait(false))
                    {
                        await MarkLostAsync().ConfigureAwait(false);
                        return;
                    }
                }
                catch (IOException)
                {
                    // A transient store error: the lease still has two thirds of its time; try again next tick.
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(false);
        if (!_lost) await _store.ReleaseLeaseAsync(Lease, CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
        _lostSignal.Dispose();
        _renewing.Dispose();
    }
}
