using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Tests.Orchestration;

/// <summary>Reads the orchestration clock, waits on a durable timer, then runs a step.</summary>
public sealed class ClockOrchestrator : IOrchestrator<int, ClockOrchestrator.Result>
{
    public async Task<Result> RunAsync(IOrchestrationContext context, int timerMilliseconds)
    {
        var started = context.CurrentUtcDateTime;
        await context.CreateTimer(started.AddMilliseconds(timerMilliseconds), CancellationToken.None);
        var afterTimer = context.CurrentUtcDateTime;
        var replayedBeforeStep = context.IsReplaying;
        await context.CallStepAsync("sum", new[] { 1, 2 });
        return new Result(started, afterTimer, replayedBeforeStep, context.IsReplaying);
    }

    public sealed record Result(DateTime Started, DateTime AfterTimer, bool ReplayingBeforeStep, bool ReplayingAtEnd);
}
