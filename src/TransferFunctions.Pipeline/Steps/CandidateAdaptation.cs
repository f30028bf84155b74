using TransferFunctions.Learning.Strategies;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The one code path that adapts a model: the pipeline's adapt, train-scratch and probe-baseline steps and
/// <c>transfer adapt --output</c> all come through here, so a strategy sees the same context and source data whichever
/// host asked.
/// </summary>
public static class CandidateAdaptation
{
    /// <summary>
    /// Adapts <paramref name="context"/>'s base with strategy <paramref name="strategyName"/>. Only <c>hybrid</c> replays
    /// source data, so only it pays for loading the base's source examples (all of them); when they cannot be loaded,
    /// <paramref name="note"/> hears why and the strategy falls back as it documents.
    /// </summary>
    /// <exception cref="ArgumentException">No strategy has that name.</exception>
    public static async Task<AdaptationOutcome> RunAsync(string strategyName, AdaptationContext context, Action<string>? note = null, CancellationToken cancellationToken = default)
    {
        var strategy = StrategyRegistry.Create(strategyName);
        SourceReplay? replay = null;
        if (strategy is HybridStrategy)
        {
            (replay, var reason) = await SourceData.TryLoadAsync(context.Base.Card, test: false, cancellationToken: cancellationToken);
            if (replay is null) note?.Invoke($"no source replay for {HybridStrategy.StrategyName}: {reason}");
        }
        try
        {
            return strategy.Adapt(context with { Data = context.Data with { SourceReplay = replay } }, cancellationToken);
        }
        finally
        {
            replay?.Inputs.Dispose();
            replay?.Labels.Dispose();
        }
    }
}
