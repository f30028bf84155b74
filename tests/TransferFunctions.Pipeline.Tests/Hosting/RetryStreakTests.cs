using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Hosting;

public sealed class RetryStreakTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    /// <summary>An attempt that fails after <paramref name="lasting"/>, then the scheduler's delay before the next.</summary>
    private bool Fail(RetryStreak streak, TimeSpan lasting, TimeSpan? delayAfter = null)
    {
        var started = streak.StartAttempt();
        _clock.Advance(lasting);
        var retry = streak.ShouldRetry(started);
        _clock.Advance(delayAfter ?? TimeSpan.FromSeconds(2));
        return retry;
    }

    [Fact]
    public void Quick_failures_are_retried_until_the_streak_is_as_old_as_the_limit()
    {
        var streak = new RetryStreak(Limit, _clock);
        var retried = 0;
        // Each attempt fails after 8 s, then 2 s pass: the streak's first failure is at 8 s; the failure at 118 s is
        // 110 s into the streak (retried), the one at 128 s is 120 s into it (not).
        while (Fail(streak, TimeSpan.FromSeconds(8))) retried++;

        Assert.Equal(12, retried);
    }

    [Fact]
    public void The_budget_counts_from_the_first_failure_not_from_the_runs_start()
    {
        var streak = new RetryStreak(Limit, _clock);
        // An hour of training, then an outage: the whole budget is still there.
        Assert.True(Fail(streak, TimeSpan.FromHours(1)));
        Assert.True(Fail(streak, TimeSpan.FromSeconds(100)));
        Assert.False(Fail(streak, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void An_attempt_that_ran_longer_than_the_limit_before_failing_begins_a_new_streak()
    {
        var streak = new RetryStreak(Limit, _clock);
        Assert.True(Fail(streak, TimeSpan.FromSeconds(1), delayAfter: TimeSpan.FromSeconds(110)));
        // 111 s into the streak, but this attempt did 3 minutes of work: a new streak, retried, with the budget anew.
        Assert.True(Fail(streak, TimeSpan.FromMinutes(3)));
        Assert.True(Fail(streak, TimeSpan.FromSeconds(100)));
        Assert.False(Fail(streak, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_limit_of_zero_retries_nothing()
    {
        // Every attempt lasts at least zero: counting it as "longer than the limit" would retry forever.
        var streak = new RetryStreak(TimeSpan.Zero, _clock);
        Assert.False(Fail(streak, TimeSpan.FromSeconds(5)));
        Assert.False(Fail(streak, TimeSpan.Zero));
    }
}
