using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Storage;

/// <summary>Leases held across the length of work, on real time (short durations) and two store instances, as two processes would.</summary>
public sealed class HeldLeaseTests : IDisposable
{
    private static CancellationToken Ct => CancellationToken.None;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly TemporaryFolder _folder = new();

    public void Dispose()
    {
        foreach (var provider in _providers) provider.Dispose();
        _folder.Dispose();
    }

    private FileSystemObjectStore NewProcess() => new(_folder.Path);

    [Fact]
    public async Task Second_holder_waits_until_the_first_releases()
    {
        var first = await HeldLease.AcquireAsync(NewProcess(), "projects/p/active-run", "first", TimeSpan.FromSeconds(5), Poll, cancellationToken: Ct);
        ObjectLease? toldHolder = null;
        var second = HeldLease.AcquireAsync(NewProcess(), "projects/p/active-run", "second", TimeSpan.FromSeconds(5), Poll, holder => toldHolder = holder, Ct);

        await Task.Delay(400, Ct);
        Assert.False(second.IsCompleted, "the lease is held");
        Assert.Equal("first", toldHolder?.Owner);
        await first.DisposeAsync();
        await using var held = await second.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.Equal("second", held.Lease.Owner);
    }

    [Fact]
    public async Task Renewal_keeps_the_lease_past_its_duration_and_release_frees_it()
    {
        var store = NewProcess();
        // Renewed every 2/3 s: generous enough for a loaded CI machine, short enough to outlive thrice.
        var duration = TimeSpan.FromSeconds(2);
        var held = await HeldLease.AcquireAsync(store, "k", "holder", duration, Poll, cancellationToken: Ct);
        var firstExpiry = held.Lease.ExpiresAt;

        await Task.Delay(duration * 2.5, Ct);

        Assert.Null(await NewProcess().AcquireLeaseAsync("k", duration, "intruder", Ct));
        Assert.True(held.Lease.ExpiresAt > firstExpiry);
        Assert.False(held.Lost);
        await held.DisposeAsync();
        Assert.NotNull(await NewProcess().AcquireLeaseAsync("k", duration, "next", Ct));
    }

    [Fact]
    public async Task Lease_of_a_holder_that_died_is_taken_once_it_expires()
    {
        // A dead holder: a lease nobody renews or releases.
        var dead = await NewProcess().AcquireLeaseAsync("k", TimeSpan.FromMilliseconds(700), "dead", Ct);
        Assert.NotNull(dead);
        var started = DateTimeOffset.UtcNow;

        await using var held = await HeldLease.AcquireAsync(NewProcess(), "k", "successor", TimeSpan.FromSeconds(5), Poll, cancellationToken: Ct)
            .WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(DateTimeOffset.UtcNow >= dead!.ExpiresAt, $"taken {DateTimeOffset.UtcNow - started} after the start, before the dead lease expired");
        Assert.Equal("successor", held.Lease.Owner);
    }

    /// <summary>Blocks in its first step until cancelled, counting the steps it was asked to run.</summary>
    private sealed class BlockingExecutor : IStepExecutor
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);
        public Task Entered => _entered.Task;

        public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            _entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>One process's pipeline: its own store instance over the shared folder, composed as the hosts compose it.</summary>
    private AdaptationService Process(IStepExecutor executor, LocalRunnerOptions options)
    {
        var provider = CoreServices.Build(_folder.Path, _ => executor, configure: services => services.AddSingleton(options));
        _providers.Add(provider);
        return provider.GetRequiredService<AdaptationService>();
    }

    private readonly List<ServiceProvider> _providers = [];

    [Fact]
    public async Task Runs_of_one_project_in_two_processes_execute_one_after_another_and_other_projects_do_not_wait()
    {
        var options = new LocalRunnerOptions { LeaseDuration = TimeSpan.FromSeconds(2), PollInterval = Poll };
        var (executorA, executorB) = (new BlockingExecutor(), new BlockingExecutor());
        var processA = Process(executorA, options with { Owner = "process A" });
        var processB = Process(executorB, options with { Owner = "process B" });
        // A named batch must exist at submission; the blocking executor never reads it.
        foreach (var batch in new[] { "shoes/b1", "shoes/b2", "bags/b1" })
            await NewProcess().WriteAsync($"datasets/{batch}/_READY", Array.Empty<byte>(), WriteCondition.Always, Ct);
        await processA.SubmitAsync(new AdaptationRequest("shoes", "b1"), "run-a", Ct);
        await processB.SubmitAsync(new AdaptationRequest("shoes", "b2"), "run-b", Ct);
        await processB.SubmitAsync(new AdaptationRequest("bags", "b1"), "run-other", Ct);
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();

        var runA = processA.RunAsync("run-a", stopA.Token);
        await executorA.Entered.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        ObjectLease? holder = null;
        var runB = processB.RunAsync("run-b", stopB.Token, h => holder = h);
        await Task.Delay(500, Ct);

        Assert.Equal(0, executorB.Calls);
        Assert.Equal("process A run run-a", holder?.Owner);
        var other = new BlockingExecutor();
        var otherRun = Process(other, options).RunAsync("run-other", stopB.Token);
        await other.Entered.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        await stopA.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runA);
        await executorB.Entered.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await stopB.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runB);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => otherRun);
    }
}
