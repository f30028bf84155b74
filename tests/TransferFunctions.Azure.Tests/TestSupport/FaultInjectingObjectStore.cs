using System.Text.RegularExpressions;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Azure.Tests.TestSupport;

/// <summary>
/// The real store with faults at the storage port: the Nth write of a key matching a pattern fails with an I/O error (a
/// streamed one after part of its content has gone out, so on the Blob store its first blocks are staged), and an action
/// can run once right after a matching write succeeded (to stop the service mid-publication).
/// </summary>
public sealed class FaultInjectingObjectStore(IObjectStore inner) : IObjectStore
{
    private readonly Lock _gate = new();
    private readonly List<Rule> _rules = [];

    /// <summary>Writes failed so far.</summary>
    public int Failed { get; private set; }

    /// <summary>Fails the <paramref name="nth"/> write (1-based) of a key matching <paramref name="keys"/>; a streamed write fails after <paramref name="afterBytes"/> bytes were read from its content.</summary>
    public void FailWrite(Regex keys, int nth = 1, long afterBytes = 0)
    {
        lock (_gate) _rules.Add(new Rule(keys, nth, afterBytes, null));
    }

    /// <summary>Runs <paramref name="action"/> once, right after the <paramref name="nth"/> successful write of a key matching <paramref name="keys"/>, before the writer sees its result.</summary>
    public void AfterWrite(Regex keys, Func<string, Task> action, int nth = 1)
    {
        lock (_gate) _rules.Add(new Rule(keys, nth, 0, action));
    }

    public Task<StoredObject?> ReadAsync(string key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

    public Task<ObjectDownload?> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public Task<ObjectProperties?> GetPropertiesAsync(string key, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(key, cancellationToken);

    public async Task<ObjectProperties> WriteAsync(string key, ReadOnlyMemory<byte> content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        var (failure, after) = Match(key);
        if (failure is not null) throw Injected(key);
        var written = await inner.WriteAsync(key, content, condition, cancellationToken);
        if (after is not null) await after(key);
        return written;
    }

    public async Task<ObjectProperties> WriteFromStreamAsync(string key, Stream content, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        var (failure, after) = Match(key);
        if (failure is not null)
        {
            if (failure.AfterBytes <= 0) throw Injected(key);
            // The inner store reads (and, on the Blob store, stages) the first bytes before the content breaks off.
            return await inner.WriteFromStreamAsync(key, new CallbackStream(content, failure.AfterBytes, () => throw Injected(key)), condition, cancellationToken);
        }

        var written = await inner.WriteFromStreamAsync(key, content, condition, cancellationToken);
        if (after is not null) await after(key);
        return written;
    }

    public Task<bool> DeleteAsync(string key, WriteCondition? condition = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, condition, cancellationToken);

    public IAsyncEnumerable<ObjectProperties> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task<ObjectLease?> AcquireLeaseAsync(string key, TimeSpan duration, string owner, CancellationToken cancellationToken = default) =>
        inner.AcquireLeaseAsync(key, duration, owner, cancellationToken);

    public Task<ObjectLease?> RenewLeaseAsync(ObjectLease lease, TimeSpan duration, CancellationToken cancellationToken = default) => inner.RenewLeaseAsync(lease, duration, cancellationToken);

    public Task<bool> ReleaseLeaseAsync(ObjectLease lease, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(lease, cancellationToken);

    public Task<ObjectLease?> GetLeaseAsync(string key, CancellationToken cancellationToken = default) => inner.GetLeaseAsync(key, cancellationToken);

    private (Rule? Failure, Func<string, Task>? After) Match(string key)
    {
        lock (_gate)
        {
            Rule? failure = null;
            Func<string, Task>? after = null;
            foreach (var rule in _rules.Where(r => r.Keys.IsMatch(key)).ToList())
            {
                if (++rule.Seen != rule.Nth) continue;
                _rules.Remove(rule);
                if (rule.After is null)
                {
                    failure ??= rule;
                    Failed++;
                }
                else
                {
                    after ??= rule.After;
                }
            }

            return (failure, failure is null ? after : null);
        }
    }

    private static IOException Injected(string key) => new($"Input/output error (injected) while writing {key}");

    private sealed class Rule(Regex keys, int nth, long afterBytes, Func<string, Task>? after)
    {
        public Regex Keys { get; } = keys;
        public int Nth { get; } = nth;
        public long AfterBytes { get; } = afterBytes;
        public Func<string, Task>? After { get; } = after;
        public int Seen { get; set; }
    }
}
