using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The AdaptModel steps wired to their dependencies (registered once by
/// <see cref="Hosting.CoreServiceCollectionExtensions.AddTransferFunctionsCore"/>). The same handlers serve the in-process
/// executor, `transfer step` (child process) and, on Azure, the container job.
/// </summary>
public sealed class PipelineSteps
{
    public PipelineSteps(IObjectStore store, ModelRegistry registry, OrchestrationClient runs, BaseModelResolver bases, PipelineOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Registry = registry ?? throw new ArgumentNullException(nameof(registry));
        Runs = runs ?? throw new ArgumentNullException(nameof(runs));
        Bases = bases ?? throw new ArgumentNullException(nameof(bases));
        Validate = new ValidateStep(store, Bases, options, Registry);
        Promote = new PromoteStep(store, Registry);
        Report = new ReportStep(store, Runs, time);
        Training = new TrainingSteps(store, Bases, Registry, options.Device);
        _store = store;
    }

    private readonly IObjectStore _store;

    public PipelineOptions Options { get; }
    public ModelRegistry Registry { get; }
    public OrchestrationClient Runs { get; }
    public BaseModelResolver Bases { get; }
    public ValidateStep Validate { get; }
    public PromoteStep Promote { get; }
    public ReportStep Report { get; }
    public TrainingSteps Training { get; }

    /// <summary>
    /// One compute step at a time per process: the engine's intra-op threads already use every core,
    /// and concurrent training would interleave draws from its global generator, making
    /// results depend on timing. Fan-out stays logical (and real across processes or containers).
    /// Steps that only move data (validate, promote, report) do not take it, so a run's validation
    /// never waits behind another project's training.
    /// </summary>
    private static readonly SemaphoreSlim ComputeGate = new(1, 1);

    private static Func<TIn, CancellationToken, Task<TOut>> Gated<TIn, TOut>(Func<TIn, CancellationToken, Task<TOut>> step) => async (input, ct) =>
    {
        await ComputeGate.WaitAsync(ct);
        try
        {
            return await step(input, ct);
        }
        finally
        {
            ComputeGate.Release();
        }
    };

    /// <summary>Writes a step's output to <see cref="StepOutputs"/> before handing it back, so later steps can read it by key.</summary>
    private Func<TIn, CancellationToken, Task<TOut>> Recorded<TIn, TOut>(string step, Func<TIn, CancellationToken, Task<TOut>> run) where TIn : IStepRequest => async (input, ct) =>
    {
        var output = await run(input, ct);
        await StepOutputs.WriteAsync(_store, input.RunId, step, output, ct);
        return output;
    };

    /// <summary>An executor that runs every step in this process.</summary>
    public InProcessStepExecutor CreateInProcessExecutor()
    {
        var executor = new InProcessStepExecutor();
        executor.Register<ValidateRequest, ValidatedDataset>(StepNames.Validate, Recorded<ValidateRequest, ValidatedDataset>(StepNames.Validate, Validate.RunAsync));
        executor.Register<ExtractRequest, FeatureReport>(StepNames.ExtractFeatures, Recorded(StepNames.ExtractFeatures, Gated<ExtractRequest, FeatureReport>(Training.ExtractAsync)));
        executor.Register<TrainRequest, TrainedModel>(StepNames.Adapt, Recorded(StepNames.Adapt, Gated<TrainRequest, TrainedModel>(Training.AdaptAsync)));
        executor.Register<TrainRequest, TrainedModel>(StepNames.TrainScratch, Recorded(StepNames.TrainScratch, Gated<TrainRequest, TrainedModel>(Training.AdaptAsync)));
        executor.Register<TrainRequest, TrainedModel?>(StepNames.ProbeBaseline, Recorded(StepNames.ProbeBaseline, Gated<TrainRequest, TrainedModel?>(Training.ProbeBaselineAsync)));
        executor.Register<EvaluateRequest, EvaluationReport>(StepNames.Evaluate, Recorded(StepNames.Evaluate, Gated<EvaluateRequest, EvaluationReport>(Training.EvaluateAsync)));
        executor.Register<PromoteRequest, PromotionOutcome>(StepNames.Promote, Recorded<PromoteRequest, PromotionOutcome>(StepNames.Promote, Promote.RunAsync));
        executor.Register<ReportRequest, string>(StepNames.Report, Report.RunAsync);
        return executor;
    }
}
