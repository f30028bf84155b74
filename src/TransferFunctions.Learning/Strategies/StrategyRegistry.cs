namespace TransferFunctions.Learning.Strategies;

/// <summary>The named strategies with their documented defaults: <c>StrategyRegistry.Create("fine-tune")</c>.</summary>
public static class StrategyRegistry
{
    /// <summary>Every registered name, in the order a user would consider them.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["linear-probe", "mlp-probe", "fine-tune", "multi-task", "domain-adapt", "hybrid", "scratch", "auto"];

    /// <summary>The strategy called <paramref name="name"/> with its default options.</summary>
    public static IAdaptationStrategy Create(string name) => name switch
    {
        "linear-probe" => new ProbeStrategy("linear-probe", ProbeOptions.Linear),
        "mlp-probe" => new ProbeStrategy("mlp-probe", ProbeOptions.Mlp),
        FineTuneStrategy.StrategyName => new FineTuneStrategy(),
        MultiTaskStrategy.StrategyName => new MultiTaskStrategy(),
        DomainAdaptStrategy.StrategyName => new DomainAdaptStrategy(),
        HybridStrategy.StrategyName => new HybridStrategy(),
        ScratchStrategy.StrategyName => new ScratchStrategy(),
        AutoStrategy.StrategyName => new AutoStrategy(),
        _ => throw new ArgumentException($"unknown strategy '{name}'; known strategies: {string.Join(", ", Names)}", nameof(name)),
    };
}
