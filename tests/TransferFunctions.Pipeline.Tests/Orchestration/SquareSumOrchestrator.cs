using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Tests.Orchestration;

/// <summary>The sample pipeline: parse → square each number (fan-out) → sum (fan-in).</summary>
public sealed class SquareSumOrchestrator : IOrchestrator<SquareSumOrchestrator.Request, SquareSumOrchestrator.Result>
{
    public async Task<Result> RunAsync(IOrchestrationContext context, Request input)
    {
        var numbers = await context.CallStepAsync<int[]>("parse", input.Numbers);
        context.SetCustomStatus(new Progress("squaring", numbers.Length));
        var squares = await Task.WhenAll(numbers.Select(n => context.CallStepAsync<int>("square", n)));
        var total = await context.CallStepAsync<int>("sum", squares);
        context.SetCustomStatus(new Progress("done", numbers.Length));
        return new Result(total, squares);
    }

    /// <summary>The real step handlers. <paramref name="requireConcurrentSquares"/> makes each square wait for all of them to have started.</summary>
    public static InProcessStepExecutor Steps(int requireConcurrentSquares = 0)
    {
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return new InProcessStepExecutor()
            .Register<string, int[]>("parse", (text, _) => Task.FromResult(text.Split(',').Select(int.Parse).ToArray()))
            .Register<int, int>("square", async (n, ct) =>
            {
                if (requireConcurrentSquares > 0)
                {
                    if (Interlocked.Increment(ref started) == requireConcurrentSquares)
                    {
                        allStarted.SetResult();
                    }

                    await allStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
                }

                return n * n;
            })
            .Register<int[], int>("sum", (values, _) => Task.FromResult(values.Sum()));
    }

    public sealed record Request(string Numbers);

    public sealed record Result(int Total, IReadOnlyList<int> Squares);

    public sealed record Progress(string Stage, int Count);
}
