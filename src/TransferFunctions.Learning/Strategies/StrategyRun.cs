using System.Diagnostics;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Models;
using TransferFunctions.Torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>Bookkeeping every strategy shares: seeding, input checks, timing, validation accuracy, the outcome.</summary>
internal sealed class StrategyRun
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public StrategyRun(string strategy, AdaptationContext context)
    {
        Strategy = strategy;
        Context = context;
        context.Data.Validate();
        torch.ManualSeed((ulong)(uint)context.Seed);
    }

    public string Strategy { get; }
    public AdaptationContext Context { get; }
    public TargetData Data => Context.Data;
    public List<PhaseHistory> Phases { get; } = new();
    public List<string> Notes { get; } = new();
    public Dictionary<string, string> Hyperparameters { get; } = new();
    public Dictionary<string, double> TaskAccuracy { get; } = new();
    public FrozenFeatures? Features { get; set; }

    /// <summary>Frozen features of the base backbone (cached); noted in the report.</summary>
    public FrozenFeatures FrozenFeatures(CancellationToken cancellationToken)
    {
        Features ??= Strategies.FrozenFeatures.Get(Context.Base.Model, Data, Context.FeatureCache, cancellationToken);
        Notes.Add(Features.CacheHit
            ? $"Frozen features read from the cache ({Features.Key}); no example went through the backbone."
            : $"Frozen features computed for {Features.ExamplesComputed} examples{(Context.FeatureCache is null ? "" : " and cached")}.");
        return Features;
    }

    public AdaptationOutcome Finish(ResNet model, IReadOnlyDictionary<string, IReadOnlyList<string>>? extraHeadLabels = null, bool fromBase = true)
    {
        try
        {
            double? accuracy = Data.HasValidation ? ModelEvaluator.Accuracy(model, Data.ValidationInputs!, Data.ValidationLabels!) : null;
            if (accuracy is { } a) Notes.Add($"Validation accuracy {a:P2} on {Data.ValidationInputs!.Size(0)} held-out examples.");
            var package = AdaptedModel.Package(Context, model, Strategy, Hyperparameters, accuracy, extraHeadLabels, fromBase);
            var report = new AdaptationReport(Strategy, Hyperparameters, Phases, Notes, accuracy, TaskAccuracy,
                Features?.ExamplesComputed ?? 0, Features?.CacheHit ?? false, _watch.Elapsed);
            return new AdaptationOutcome(package, report);
        }
        finally
        {
            Features?.Dispose();
        }
    }
}
