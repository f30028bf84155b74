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
            if (activity is not null) TagSplits(activity, output);
            if (RanOn(output) is { } resolved) activity?.SetTag(PipelineTelemetry.DeviceTag, resolved);
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

    /// <summary>
    /// The example count a step reports (validate: its split counts; training: train + validation + test examples;
    /// otherwise <c>examples</c>), when it reports one.
    /// </summary>
    private static long? Examples(JsonElement output)
    {
        if (output.ValueKind != JsonValueKind.Object) return null;
        if (output.TryGetProperty("examples", out var n) && n.ValueKind == JsonValueKind.Number) return n.GetInt64();
        if (Splits(output) is { } splits) return splits.Train + splits.Validation + splits.Test;
        if (output.TryGetProperty("splitCounts", out var counts) && counts.ValueKind == JsonValueKind.Object)
            return counts.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).Sum(p => p.Value.GetInt64());
        return null;
    }

    /// <summary>The device a step ran on: <c>device</c> of the extract step's report, <c>hyperparameters.device</c> of a trained model.</summary>
    private static string? RanOn(JsonElement output)
    {
        if (output.ValueKind != JsonValueKind.Object) return null;
        if (output.TryGetProperty("device", out var d) && d.ValueKind == JsonValueKind.String) return d.GetString();
        return output.TryGetProperty("hyperparameters", out var h) && h.ValueKind == JsonValueKind.Object
               && h.TryGetProperty("device", out var hd) && hd.ValueKind == JsonValueKind.String ? hd.GetString() : null;
    }

    /// <summary>Training steps (<see cref="Steps.TrainedModel"/>) report their data's split sizes; each becomes a span attribute.</summary>
    private static void TagSplits(Activity activity, JsonElement output)
    {
        if (Splits(output) is not { } splits) return;
        activity.SetTag(PipelineTelemetry.TrainExamplesTag, splits.Train);
        activity.SetTag(PipelineTelemetry.ValidationExamplesTag, splits.Validation);
        activity.SetTag(PipelineTelemetry.TestExamplesTag, splits.Test);
    }

    private static (long Train, long Validation, long Test)? Splits(JsonElement output)
    {
        long? Count(string name) => output.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
        if (output.ValueKind != JsonValueKind.Object || Count("trainExamples") is not { } train) return null;
        return (train, Count("validationExamples") ?? 0, Count("testExamples") ?? 0);
    }
}
