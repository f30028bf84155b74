using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Pipeline;

/// <summary>
/// A clock that jumps forward past the leases while a run evaluates, and another owner that takes an expired lease meanwhile
/// (as a second host would): the run must not start its promotion, the champion stays as it was, and the run promotes
/// exactly once when it owns the run again. The real AdaptModel pipeline over a real store; the clock is the store's,
/// the runner's and the service's.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class LeaseLossTests(TargetBatches batches) : IDisposable
{
    private const string Project = "shoes";
    private const string RunId = "jumped-run";
    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>The runner's leases (the default); the clock jumps by more than twice that.</summary>
    private static readonly TimeSpan Lease = new LocalRunnerOptions().LeaseDuration;

    private static readonly TimeSpan Jump = Lease * 2 + TimeSpan.FromSeconds(1);

    private static readonly PromotionPolicy Lenient = PromotionPolicy.Default with
    {
        MinGainOverScratch = -1, FirstModelMustBeatLinearProbe = false, MinTestExamplesPerClass = 0, RetentionFloor = 0,
    };

    private readonly TemporaryFolder _folder = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly List<ServiceProvider> _providers = [];

    public void Dispose()
    {
        foreach (var provider in _providers) provider.Dispose();
        _folder.Dispose();
    }

    public enum TakenLease
    {
        /// <summary>Another run of the project took the project's lease (promotions of a project go one at a time).</summary>
        Project,

        /// <summary>Another runner took this run over.</summary>
        Run,
    }

    [Theory]
    [InlineData(TakenLease.Project)]
    [InlineData(TakenLease.Run)]
    public async Task A_clock_jump_past_the_lease_mid_run_stops_the_run_before_it_promotes(TakenLease taken)
    {
        await batches.DeliverAsync(_folder.Path, Project, "b1", perClass: 10, holdoutPerClass: 4);
        var rivalStore = new FileSystemObjectStore(_folder.Path, _clock);
        var rivalKey = taken == TakenLease.Project ? AdaptationService.ProjectLeaseKey(Project) : RunKeys.Lease(RunId);
        ObjectLease? rival = null;
        var executor = new JumpingExecutor(StepNames.Evaluate, async () =>
        {
            // Evaluate's work is done, not yet journaled: the clock jumps, and the other owner takes the expired lease. The run's
            // own renewals run on real time and may win the instant after a jump (an expired lease nobody took is still its
            // holder's): then the clock jumps again.
            for (var attempt = 0; rival is null && attempt < 20; attempt++)
            {
                _clock.Advance(Jump);
                rival = await rivalStore.AcquireLeaseAsync(rivalKey, Lease, "a host that took over after the jump", Ct);
            }
        });
        var (service, registry) = Create(executor);
        var waitingFor = new TaskCompletionSource<ObjectLease?>(TaskCreationOptions.RunContinuationsAsynchronously);

        await service.SubmitAsync(new AdaptationRequest(Project, "b1", "fine-tune", Policy: Lenient, Steps: 20), RunId, Ct);
        var running = service.RunAsync(RunId, Ct, holder => waitingFor.TrySetResult(holder));
        if (taken == TakenLease.Project)
        {
            // It stops before promote and waits for the project's lease, which the other owner holds.
            var holder = await waitingFor.Task.WaitAsync(TimeSpan.FromMinutes(5), Ct);
            Assert.Equal("a host that took over after the jump", holder?.Owner);
        }
        else
        {
            // It stops before promote: the run is another runner's now.
            var conflict = await Assert.ThrowsAsync<RunConflictException>(() => running.WaitAsync(TimeSpan.FromMinutes(5), Ct));
            Assert.Contains("another runner took the run over", conflict.Message);
        }

        Assert.NotNull(rival);
        Assert.Equal(1, executor.Executions(StepNames.Evaluate));
        Assert.Equal(0, executor.Executions(StepNames.Promote));
        Assert.Empty(await registry.ListVersionsAsync(Project, Ct));
        Assert.Null(await registry.GetChampionAsync(Project, Ct));
        var stopped = (await service.GetRunAsync(RunId, Ct))!;
        Assert.Equal(RunStatus.Running, stopped.Status);
        Assert.DoesNotContain(stopped.Steps, s => s.Name == StepNames.Promote);

        // The other owner is done with it: the run resumes from its journal and promotes, once.
        Assert.True(await rivalStore.ReleaseLeaseAsync(rival!, Ct));
        var final = taken == TakenLease.Project ? await running.WaitAsync(TimeSpan.FromMinutes(5), Ct) : await service.RunAsync(RunId, Ct);

        Assert.Equal(RunStatus.Completed, final.Status);
        var result = StoreJson.FromElement<AdaptationResult>(final.Output!.Value, "output")!;
        Assert.True(result.Outcome == "promoted", $"{result.Outcome}: {string.Join("; ", result.Reasons)}");
        // Stopped for the project's lease, the run had journaled evaluate; taken over, it may have stopped before doing so.
        if (taken == TakenLease.Project) Assert.Equal(1, executor.Executions(StepNames.Evaluate));
        Assert.Equal(1, executor.Executions(StepNames.Promote));
        var version = Assert.Single(await registry.ListVersionsAsync(Project, Ct));
        Assert.Equal(RunId, version.RunId);
        Assert.Equal(version.Version, (await registry.GetChampionAsync(Project, Ct))!.Value.Version);
    }

    private (AdaptationService Service, ModelRegistry Registry) Create(JumpingExecutor executor)
    {
        var provider = CoreServices.Build(_folder.Path, sp => executor.Wrap(sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor()), configure: services =>
        {
            services.AddSingleton<TimeProvider>(_clock);
            services.AddSingleton<IObjectStore>(new FileSystemObjectStore(_folder.Path, _clock));
        });
        _providers.Add(provider);
        return (provider.GetRequiredService<AdaptationService>(), provider.GetRequiredService<ModelRegistry>());
    }

    /// <summary>The real steps, counted; once <paramref name="step"/> has done its work, <paramref name="afterwards"/> runs before its result is handed back.</summary>
    private sealed class JumpingExecutor(string step, Func<Task> afterwards)
    {
        private readonly ConcurrentDictionary<string, int> _executions = new();
        private readonly string _step = step;
        private readonly Func<Task> _afterwards = afterwards;
        private int _jumped;

        public int Executions(string name) => _executions.GetValueOrDefault(name);

        public IStepExecutor Wrap(IStepExecutor inner) => new Counting(this, inner);

        private sealed class Counting(JumpingExecutor owner, IStepExecutor inner) : IStepExecutor
        {
            public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
            {
                owner._executions.AddOrUpdate(invocation.StepName, 1, (_, n) => n + 1);
                var output = await inner.ExecuteAsync(invocation, cancellationToken);
                if (invocation.StepName == owner._step && Interlocked.Exchange(ref owner._jumped, 1) == 0) await owner._afterwards();
                return output;
            }
        }
    }
}
