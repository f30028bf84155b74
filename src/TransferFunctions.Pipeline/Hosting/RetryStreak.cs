namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// The retry budget of one run's passing failures (a lease held by another runner, a store that did not answer): a
/// failed attempt may be tried again while the streak of consecutive failures is younger than the limit. The streak
/// counts from its first failure, not from the run's start, so a run that trained for an hour and then meets an outage
/// gets the whole budget; and an attempt that ran longer than the limit before it failed did work, so its failure
/// begins a new streak. A limit of zero retries nothing.
/// </summary>
internal sealed class RetryStreak(TimeSpan limit, TimeProvider time)
{
    private DateTimeOffset? _firstFailure;

    /// <summary>When an attempt starts; pass it to <see cref="ShouldRetry"/> if the attempt fails.</summary>
    public DateTimeOffset StartAttempt() => time.GetUtcNow();

    /// <summary>Records the failure of the attempt started at <paramref name="attemptStarted"/>; true when it may be retried.</summary>
    public bool ShouldRetry(DateTimeOffset attemptStarted)
    {
        if (limit <= TimeSpan.Zero) return false;
        var now = time.GetUtcNow();
        if (_firstFailure is null || now - attemptStarted >= limit)
        {
            _firstFailure = now;
            return true;
        }

        return now - _firstFailure.Value < limit;
    }
}
