using System.Diagnostics;
using TransferFunctions.Learning.Evaluation;
using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

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
        torch.manual_seed((long)(uint)context.Seed);
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
        if (Features is null)
        {
            // The base stays where its owner keeps it (the CPU); it visits the training device for the extraction.
            var backbone = Context.Base.Model;
            var home = backbone.parameters().First().device;
            if (home.type != Context.Device.type || home.index != Context.Device.index) backbone.to(Context.Device);
            try
            {
                Features = Strategies.FrozenFeatures.Get(backbone, Data, Context.FeatureCache, cancellationToken);
            }
            finally
            {
                if (home.type != Context.Device.type || home.index != Context.Device.index) backbone.to(home);
            }
        }
        Notes.Add(Features.CacheHit
            ? $"Frozen features of all {Features.ExamplesCached} examples read from the cache (backbone {Features.BackboneDigest[..12]}); no example went through the backbone."
            : $"Frozen features computed for {Features.ExamplesComputed} examples{(Context.FeatureCache is null ? "" : $" and cached; {Features.ExamplesCached} came from the cache")}.");
        return Features;
    }

    public AdaptationOutcome Finish(ResNet model, IReadOnlyDictionary<string, IReadOnlyList<string>>? extraHeadLabels = null, bool fromBase = true)
    {
        try
        {
            Hyperparameters["device"] = Engine.EngineDevice.Describe(Context.Device);
            double? accuracy = Data.HasValidation ? ModelEvaluator.Accuracy(model, Data.ValidationInputs!, Data.ValidationLabels!) : null;
            if (accuracy is { } a) Notes.Add($"Validation accuracy {a:P2} on {Data.ValidationInputs!.size(0)} held-out examples.");
            var package = AdaptedModel.Package(Context, model, Strategy, Hyperparameters, accuracy, extraHeadLabels, fromBase);
            var report = new AdaptationReport(Strategy, Hyperparameters, Phases, Notes, accuracy, TaskAccuracy,
                Features?.ExamplesComputed ?? 0, Features?.CacheHit ?? false, _watch.Elapsed, Engine.EngineDevice.Describe(Context.Device));
            // Packages are saved and compared on the CPU whatever the training device.
            model.to(CPU);
            return new AdaptationOutcome(package, report);
        }
        finally
        {
            Features?.Dispose();
        }
    }
}
