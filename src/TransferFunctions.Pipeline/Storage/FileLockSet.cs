using System.Security.Cryptography;
using System.Text;

namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// Named mutual exclusion that holds across threads (a semaphore stripe) and across processes on
/// one machine (an exclusively opened lock file, which .NET backs with flock on Unix and a sharing
/// mode on Windows; the OS drops it when a holder dies, so a killed process never leaves a lock).
/// Lock files are never deleted: deleting one would let two processes lock different inodes.
/// </summary>
internal sealed class FileLockSet
{
    private const int StripeCount = 64;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(25);

    private readonly string _directory;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim[] _stripes;

    public FileLockSet(string directory, TimeSpan timeout)
    {
        _directory = directory;
        _timeout = timeout;
        _stripes = new SemaphoreSlim[StripeCount];
        for (var i = 0; i < StripeCount; i++)
        {
            _stripes[i] = new SemaphoreSlim(1, 1);
        }
    }

    public async Task<IDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(name) % StripeCount];
        if (!await stripe.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException($"Could not lock '{name}' within {_timeout.TotalSeconds:0.#} s: another operation in this process holds it.");
        }

        try
        {
            var file = await OpenExclusiveAsync(name, cancellationToken).ConfigureAwait(false);
            return new Held(stripe, file);
        }
        catch
        {
            stripe.Release();
            throw;
        }
    }

    /// <summary>A stable file-name-safe name for any string (keys can be long and nested).</summary>
    public static string HashName(string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..40];

    private async Task<FileStream> OpenExclusiveAsync(string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory, HashName(name) + ".lock");
        var deadline = DateTime.UtcNow + _timeout;
        var backoff = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (DirectoryNotFoundException)
            {
                Directory.CreateDirectory(_directory);
                continue;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Held by another process: wait a little, with jitter so contenders do not move in lockstep.
            }
            catch (IOException ex)
            {
                throw new TimeoutException($"Could not lock '{name}' within {_timeout.TotalSeconds:0.#} s: another process holds lock file '{path}'.", ex);
            }

            await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 3)), cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private sealed class Held(SemaphoreSlim stripe, FileStream file) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                file.Dispose();
                stripe.Release();
            }
        }
    }
}
