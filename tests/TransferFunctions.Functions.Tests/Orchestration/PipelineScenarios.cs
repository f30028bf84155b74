using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.Orchestration;

/// <summary>
/// The scenarios both engines must agree on, each on real Fashion-MNIST batches, real libtorch training and a real
/// store, driven only through <see cref="IAdaptationService"/> and the engine's registry; each checks what it is about.
/// </summary>
public static class PipelineScenarios
{
    public const string Project = "shoes";
    public const string RunId = "run-1";
    private const int PerClass = 20;
    private const int TrainingSteps = 30;

    /// <summary>
    /// Learning quality is proven in the learning tests; these rules let a small run promote so promotion itself is what
    /// is tested: 20 images per class leave fewer test examples per class than the gate's default floor, and the
    /// source-retention floor is the learning tests' concern.
    /// </summary>
    public static readonly PromotionPolicy Lenient = PromotionPolicy.Default with
    {
        MinGainOverScratch = -1, FirstModelMustBeatLinearProbe = false, MinTestExamplesPerClass = 0, RetentionFloor = 0,
    };

    public const string FirstPromotion = "first-promotion";
    public const string Rejection = "rejection";
    public const string ApprovalByEvent = "approval-by-event";
    public const string ApprovalTimeout = "approval-timeout";
    public const string ChampionMoved = "champion-moved";

    public static IReadOnlyList<string> All { get; } = [FirstPromotion, Rejection, ApprovalByEvent, ApprovalTimeout, ChampionMoved];

    private static CancellationToken Ct => CancellationToken.None;

    public static AdaptationRequest Request(PromotionPolicy policy) => new(Project, "b1", "fine-tune", Policy: policy, Steps: TrainingSteps);

    /// <summary>Runs <paramref name="scenario"/> on <paramref name="engine"/>, checks its own expectations, returns the run's result.</summary>
    public static async Task<AdaptationResult> RunAsync(IPipelineEngine engine, TargetBatches batches, string scenario)
    {
        await batches.DeliverAsync(engine.StoreRoot, Project, "b1", PerClass);
        var registry = engine.Steps.Registry;
        switch (scenario)
        {
            case FirstPromotion:
            {
                var result = await RunToEndAsync(engine, Request(Lenient));
                Assert.True(result.Outcome == "promoted", Describe(engine, result));
                Assert.Equal(1, result.Version);
                Assert.Equal(1, (await registry.GetChampionAsync(Project, Ct))!.Value.Version);
                Assert.Equal(RunId, (await registry.GetAsync(Project, 1, Ct))!.RunId);
                Assert.True(File.Exists(Path.Combine(engine.StoreRoot, "runs", RunId, "report.html")));
                return result;
            }
            case Rejection:
            {
                // Scratch can never be beaten by a whole accuracy point: the run must reject as negative transfer.
                var result = await RunToEndAsync(engine, Request(Lenient with { MinGainOverScratch = 1 }));
                Assert.True(result.Outcome == "rejected", Describe(engine, result));
                Assert.Null(result.Version);
                Assert.Contains(result.Decision!.Verdicts, v => v.Rule == "beats-scratch" && !v.Passed);
                Assert.Null(await registry.GetChampionAsync(Project, Ct));
                Assert.Empty(await registry.ListVersionsAsync(Project, Ct));
                return result;
            }
            case ApprovalByEvent:
            {
                await engine.StartAsync(Request(Lenient with { RequireApproval = true }), RunId);
                await WaitForApprovalWaitAsync(engine);
                Assert.Null(await registry.GetChampionAsync(Project, Ct));
                await engine.Service.ApproveAsync(RunId, "reviewer", Ct);
                var result = Result(await engine.CompletionAsync(RunId));
                Assert.True(result.Outcome == "promoted", Describe(engine, result));
                Assert.Equal(1, (await registry.GetChampionAsync(Project, Ct))!.Value.Version);
                return result;
            }
            case ApprovalTimeout:
            {
                var started = DateTime.UtcNow;
                var result = await RunToEndAsync(engine, Request(Lenient with { RequireApproval = true, ApprovalTimeout = TimeSpan.FromSeconds(2) }));
                Assert.True(result.Outcome == "rejected", Describe(engine, result));
                Assert.Equal("reject: no approval within 00:00:02", result.Decision!.Summary);
                Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(2));
                Assert.Null(await registry.GetChampionAsync(Project, Ct));
                return result;
            }
            case ChampionMoved:
            {
                await SeedChampionAsync(engine);
                // Eight test images cannot make McNemar significant; the point here is the champion moving, not significance.
                // The seeded champion (the base model) knows none of the batch's classes: the batch brings them as new ones.
                await engine.StartAsync(Request(Lenient with { RequireApproval = true, MaxPValue = 1, AllowNewClasses = true }), RunId);
                await WaitForApprovalWaitAsync(engine);
                // While the run waits, another actor moves the champion from v1 (what it was evaluated against) to v2.
                var v2 = await RegisterBaseAsync(engine);
                Assert.True((await registry.TryMoveChampionAsync(Project, v2, ChampionExpectation.AtVersion(1), "another run", Ct)).Moved);
                // One approval for the first decision, one for the decision after re-evaluation (events wait in the run's inbox).
                await engine.Service.ApproveAsync(RunId, "reviewer", Ct);
                await engine.Service.ApproveAsync(RunId, "reviewer", Ct);
                var result = Result(await engine.CompletionAsync(RunId));
                Assert.True(result.Outcome == "promoted", Describe(engine, result));
                // Registered as v3 on the first attempt; moved from v2, the champion it was evaluated against the second time.
                Assert.Equal(3, result.Version);
                var champion = (await registry.GetChampionAsync(Project, Ct))!.Value;
                Assert.Equal(3, champion.Version);
                // The alias remembers the champions it replaced: the seed and the one that moved under the run.
                Assert.Equal([1, 2], champion.History.Select(h => h.Version).Distinct().Order());
                return result;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "no such scenario");
        }
    }

    private static async Task<AdaptationResult> RunToEndAsync(IPipelineEngine engine, AdaptationRequest request)
    {
        await engine.StartAsync(request, RunId);
        return Result(await engine.CompletionAsync(RunId));
    }

    private static async Task WaitForApprovalWaitAsync(IPipelineEngine engine)
    {
        var run = await Eventually.WaitAsync(() => engine.Service.GetRunAsync(RunId, Ct), r => r?.Status == RunStatus.WaitingForEvent || r?.IsTerminal == true,
            $"run {RunId} on {engine.Name} to wait for approval", TimeSpan.FromMinutes(10));
        Assert.True(run!.Status == RunStatus.WaitingForEvent,
            $"{engine.Name}: run {RunId} is {run.Status}, not waiting for approval: {(run.Output is null ? run.Failure?.Message : Describe(engine, Result(run)))}");
    }

    private static async Task SeedChampionAsync(IPipelineEngine engine)
    {
        var v1 = await RegisterBaseAsync(engine);
        Assert.True((await engine.Steps.Registry.TryMoveChampionAsync(Project, v1, ChampionExpectation.NoChampion, "seed", Ct)).Moved);
    }

    /// <summary>The embedded base model registered as the next version of the project (it knows none of the target classes).</summary>
    private static async Task<int> RegisterBaseAsync(IPipelineEngine engine)
    {
        using var basePackage = await engine.Steps.Bases.LoadAsync(PipelineOptions.EmbeddedBase, Ct);
        var (weights, baseCard) = basePackage.Serialize();
        var card = await engine.Steps.Registry.RegisterAsync(baseCard with { Name = Project }, weights, Ct);
        return card.Version;
    }

    public static AdaptationResult Result(RunRecord run) =>
        StoreJson.FromElement<AdaptationResult>(run.Output ?? throw new InvalidOperationException($"run {run.InstanceId} has no output ({run.Status}: {run.Failure?.Message})"), "output")!;

    private static string Describe(IPipelineEngine engine, AdaptationResult result) => $"{engine.Name}: {result.Outcome}: {string.Join("; ", result.Reasons)}";
}
