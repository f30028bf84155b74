using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Observability;

/// <summary>
/// Wraps any <see cref="IStepExecutor"/> (in-process, child process, container job) with one span per step, the step
/// duration metric and a logging scope naming run and step, so every log line a step writes carries them.
/// </summary>
public sealed class ObservedStepExecutor(IStepExecutor inner, ILogger<ObservedStepExecutor> logger, string device = "cpu") : IStepExecutor
{
    public async Task<JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var project = Activity.Current?.GetTagItem(PipelineTelemetry.ProjectTag) as string;
        using var activity = PipelineTelemetry.Source.StartActivity($"step {invocation.StepName}");
        activity?.SetTag(PipelineTelemetry.ProjectTag, project);
        activity?.SetTag(PipelineTelemetry.RunTag, invocation.InstanceId);
        activity?.SetTag(PipelineTelemetry.StepTag, invocation.StepName);
        activity?.SetTag(PipelineTelemetry.DeviceTag, device);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = invocation.InstanceId, ["Step"] = invocation.StepName, ["Project"] = project });
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var output = await inner.ExecuteAsync(invocation, cancellationToken).ConfigureAwait(false);
            outcome = "ok";
            if (Examples(output) is { } examples) activity?.SetTag(PipelineTelemetry.ExamplesTag, examples);
            if (output.ValueKind == JsonValueKind.Object && output.TryGetProperty("cacheHit", out var hit) && hit.ValueKind is JsonValueKind.True or JsonValueKind.False)
                PipelineTelemetry.FeatureCacheLookups.Add(1, new KeyValuePair<string, object?>("tf.cache_hit", hit.GetBoolean()));
            return output;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "canceled";
            throw;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            activity?.SetTag(PipelineTelemetry.OutcomeTag, outcome);
            PipelineTelemetry.StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(PipelineTelemetry.StepTag, invocation.StepName), new KeyValuePair<string, object?>(PipelineTelemetry.OutcomeTag, outcome));
        }
    }

    /// <summary>The example count a step reports (validate: its split counts; training and evaluation: <c>examples</c>), when it reports one.</summary>
    private static long? Examples(JsonElement output)
    {
        if (output.ValueKind != JsonValueKind.Object) return null;
        if (output.TryGetProperty("examples", out var n) && n.ValueKind == JsonValueKind.Number) return n.GetInt64();
        if (output.TryGetProperty("splitCounts", out var counts) && counts.ValueKind == JsonValueKind.Object)
            return counts.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).Sum(p => p.Value.GetInt64());
        return null;
    }
}
