using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Registry;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The AdaptModel steps wired to their dependencies. The same handlers serve the in-process
/// executor, `transfer step` (child process) and, on Azure, the container job.
/// </summary>
public sealed class PipelineSteps
{
    private readonly IObjectStore _store;

    public PipelineSteps(IObjectStore store, PipelineOptions options, TimeProvider? time = null)
    {
        _store = store;
        Options = options;
        Registry = new ModelRegistry(store, time);
        Runs = new OrchestrationClient(store, time);
        Bases = new BaseModelResolver(Registry, options);
        Validate = new ValidateStep(store, Bases, options);
        Promote = new PromoteStep(store, Registry);
        Report = new ReportStep(store, Runs, time);
        Training = new TrainingSteps(store, Bases, Registry, options.Device);
    }

    public PipelineOptions Options { get; }
    public ModelRegistry Registry { get; }
    public OrchestrationClient Runs { get; }
    public BaseModelResolver Bases { get; }
    public ValidateStep Validate { get; }
    public PromoteStep Promote { get; }
    public ReportStep Report { get; }
    public TrainingSteps Training { get; }

    /// <summary>
    /// One compute step at a time per process: libtorch's intra-op threads already use every core,
    /// and concurrent training would interleave draws from libtorch's global generator, making
    /// results depend on timing. Fan-out stays logical (and real across processes or containers).
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

    /// <summary>An executor that runs every step in this process.</summary>
    public InProcessStepExecutor CreateInProcessExecutor()
    {
        var executor = new InProcessStepExecutor();
        executor.Register<ValidateRequest, ValidatedDataset>(StepNames.Validate, Gated<ValidateRequest, ValidatedDataset>(Validate.RunAsync));
        executor.Register<ExtractRequest, FeatureReport>(StepNames.ExtractFeatures, Gated<ExtractRequest, FeatureReport>(Training.ExtractAsync));
        executor.Register<TrainRequest, TrainedModel>(StepNames.Adapt, Gated<TrainRequest, TrainedModel>(Training.AdaptAsync));
        executor.Register<TrainRequest, TrainedModel>(StepNames.TrainScratch, Gated<TrainRequest, TrainedModel>(Training.AdaptAsync));
        executor.Register<EvaluateRequest, EvaluationResult>(StepNames.Evaluate, Gated<EvaluateRequest, EvaluationResult>(Training.EvaluateAsync));
        executor.Register<PromoteRequest, PromotionOutcome>(StepNames.Promote, Promote.RunAsync);
        executor.Register<ReportRequest, string>(StepNames.Report, Report.RunAsync);
        return executor;
    }
}
