using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Azure.Jobs;

/// <summary>
/// <see cref="IContainerStepLauncher"/> on a manual-trigger Container Apps job, over the ARM REST API
/// (<see cref="ContainerAppsJobOptions.ApiVersion"/>) through an Azure.Core pipeline: bearer tokens from a
/// <see cref="TokenCredential"/>, retries with backoff on throttling and server errors.
/// </summary>
/// <remarks>
/// Start reads the job's template, overrides the step container's command, arguments and environment (the store
/// and device settings and the step's input and output keys), and posts it to the job's <c>start</c> action, so the
/// image and resources stay whatever the deployment put in the job.
/// </remarks>
public sealed partial class ContainerAppsJobLauncher : IContainerStepLauncher
{
    private static readonly TimeSpan DefaultOperationPollInterval = TimeSpan.FromSeconds(2);
    private const int MaxOperationPolls = 60;

    private readonly HttpPipeline _pipeline;
    private readonly ContainerAppsJobOptions _options;
    private readonly Uri _jobUri;
    private readonly Dictionary<string, string> _stepEnvironment;
    private readonly ILogger _logger;

    /// <param name="options">Which job; validated here.</param>
    /// <param name="store">The store the steps use: must name the account by <see cref="AzureBlobStoreOptions.BlobServiceUri"/> (steps sign in with the managed identity).</param>
    /// <param name="credential">Signs the ARM requests (in Azure: the managed identity, via <c>DefaultAzureCredential</c>).</param>
    /// <param name="clientOptions">Pipeline settings (retries, transport).</param>
    /// <param name="logger">Logs starts, stops and outcomes.</param>
    public ContainerAppsJobLauncher(
        ContainerAppsJobOptions options,
        AzureBlobStoreOptions store,
        TokenCredential credential,
        ContainerAppsJobClientOptions? clientOptions = null,
        ILogger<ContainerAppsJobLauncher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(credential);
        var problems = ContainerAppsJobOptionsValidator.Problems(options, store);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Container Apps job configuration: " + string.Join(" ", problems), nameof(options));
        }

        _options = options;
        var endpoint = new Uri(options.ResourceManagerEndpoint);
        _jobUri = new Uri(endpoint,
            $"subscriptions/{Uri.EscapeDataString(options.SubscriptionId!)}/resourceGroups/{Uri.EscapeDataString(options.ResourceGroup!)}"
            + $"/providers/Microsoft.App/jobs/{Uri.EscapeDataString(options.JobName!)}");
        _stepEnvironment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["TF_Store__Kind"] = AzureBlobStoreOptions.KindName,
            ["TF_Store__BlobServiceUri"] = store.BlobServiceUri!,
            ["TF_Store__Container"] = store.Container,
            ["TF_Engine__Device"] = options.EngineDevice,
        };
        var clientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? Environment.GetEnvironmentVariable("AZURE_CLIENT_ID")
            : options.ManagedIdentityClientId;
        if (!string.IsNullOrWhiteSpace(clientId))
        {
            _stepEnvironment["AZURE_CLIENT_ID"] = clientId;
        }

        var scope = new Uri(endpoint, ".default").ToString();
        _pipeline = HttpPipelineBuilder.Build(
            clientOptions ?? new ContainerAppsJobClientOptions(),
            perCallPolicies: [],
            perRetryPolicies: [new BearerTokenAuthenticationPolicy(credential, scope)],
            new ResponseClassifier());
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The job's ARM resource URI (without api-version).</summary>
    public Uri JobUri => _jobUri;

    public async Task<string> StartAsync(string step, string inputKey, string outputKey, CancellationToken cancellationToken = default)
    {
        ValidateStep(step);
        ObjectKey.Validate(inputKey);
        ObjectKey.Validate(outputKey);

        var job = await SendAsync(RequestMethod.Get, _jobUri, null, "read the job", cancellationToken).ConfigureAwait(false);
        var template = BuildExecutionTemplate(ParseJson(job, "the job"), step, inputKey, outputKey);

        var started = await SendAsync(RequestMethod.Post, Action(_jobUri, "start"), template, $"start step '{step}'", cancellationToken).ConfigureAwait(false);
        var name = ExecutionNameOf(started) ?? await AwaitStartOperationAsync(started, step, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Started step {Step} as execution {Execution} of job {Job} (input {Input}, output {Output}).",
            step, name, _options.JobName, inputKey, outputKey);
        return name;
    }

    public async Task<ContainerStepStatus> GetStatusAsync(string executionName, CancellationToken cancellationToken = default)
    {
        ValidateExecutionName(executionName);
        var response = await SendAsync(RequestMethod.Get, ExecutionUri(executionName), null, $"read execution '{executionName}'", cancellationToken)
            .ConfigureAwait(false);
        var execution = ParseJson(response, "the execution");
        var properties = execution["properties"];
        var status = properties?["status"]?.GetValue<string>() ?? "Unknown";
        var startTime = ParseTime(properties?["startTime"]);
        var endTime = ParseTime(properties?["endTime"]);
        var state = status switch
        {
            "Succeeded" => ContainerStepState.Succeeded,
            "Failed" or "Degraded" => ContainerStepState.Failed,
            "Stopped" => ContainerStepState.Stopped,
            // Running, Processing, Unknown, and states added after this API version: still going; the monitor's
            // deadline bounds how long that can last.
            _ => ContainerStepState.Running,
        };
        var message = state switch
        {
            ContainerStepState.Running => $"Execution {executionName} of job {_options.JobName} is {status}.",
            ContainerStepState.Succeeded => $"Execution {executionName} of job {_options.JobName} succeeded{Ended(endTime)}.",
            ContainerStepState.Failed => $"Execution {executionName} of job {_options.JobName} ended {status}{Ended(endTime)}; "
                + "the step's output is in the job's console logs (Log Analytics, ContainerAppConsoleLogs).",
            _ => $"Execution {executionName} of job {_options.JobName} was stopped{Ended(endTime)}.",
        };
        return new ContainerStepStatus(executionName, state, status, message, startTime, endTime);
    }

    public async Task StopAsync(string executionName, CancellationToken cancellationToken = default)
    {
        ValidateExecutionName(executionName);
        try
        {
            var response = await SendAsync(RequestMethod.Post, Action(ExecutionUri(executionName), "stop"), null, $"stop execution '{executionName}'", cancellationToken)
                .ConfigureAwait(false);
            _logger.LogInformation("Asked execution {Execution} of job {Job} to stop (HTTP {Status}).", executionName, _options.JobName, response.Status);
        }
        catch (ContainerAppsJobException refused) when (refused.Status is 400 or 409)
        {
            // Stopping an execution that already ended is refused; that is the outcome the caller wanted.
            var status = await GetStatusAsync(executionName, cancellationToken).ConfigureAwait(false);
            if (!status.IsFinished)
            {
                throw;
            }

            _logger.LogInformation("Execution {Execution} had already finished ({Status}); nothing to stop.", executionName, status.ServiceStatus);
        }
    }

    private JsonObject BuildExecutionTemplate(JsonNode job, string step, string inputKey, string outputKey)
    {
        var template = job["properties"]?["template"];
        var containers = template?["containers"] as JsonArray;
        if (containers is null || containers.Count == 0)
        {
            throw new ContainerAppsJobException($"Job {_options.JobName} has no containers in its template; the deployment must define the step container.", 200, null);
        }

        var targetName = _options.ContainerName ?? containers[0]?["name"]?.GetValue<string>();
        var body = new JsonObject();
        var overridden = false;
        var executionContainers = new JsonArray();
        foreach (var container in containers)
        {
            var copy = ExecutionContainer(container);
            if (!overridden && string.Equals(container?["name"]?.GetValue<string>(), targetName, StringComparison.Ordinal))
            {
                overridden = true;
                copy["command"] = new JsonArray(_options.Command);
                copy["args"] = new JsonArray("step", step, "--input", inputKey, "--output", outputKey);
                copy["env"] = MergeEnvironment(container?["env"] as JsonArray);
            }

            executionContainers.Add(copy);
        }

        if (!overridden)
        {
            throw new ContainerAppsJobException($"Job {_options.JobName} has no container named '{targetName}' (ContainerApps:ContainerName).", 200, null);
        }

        body["containers"] = executionContainers;
        if (template?["initContainers"] is JsonArray { Count: > 0 } initContainers)
        {
            // The start template replaces the job's, so the init containers must be restated to keep running.
            body["initContainers"] = new JsonArray(initContainers.Select(ExecutionContainer).Cast<JsonNode?>().ToArray());
        }

        return body;
    }

    /// <summary>The fields a JobExecutionContainer has (image, name, command, args, env, resources), copied from the job's container.</summary>
    private static JsonObject ExecutionContainer(JsonNode? container)
    {
        var copy = new JsonObject();
        foreach (var field in new[] { "image", "name", "command", "args", "env", "resources" })
        {
            if (container?[field] is { } value)
            {
                copy[field] = value.DeepClone();
            }
        }

        return copy;
    }

    /// <summary>The job container's own variables (secret references included) with the step's settings replacing same-named ones.</summary>
    private JsonArray MergeEnvironment(JsonArray? jobEnvironment)
    {
        var merged = new JsonArray();
        foreach (var variable in jobEnvironment ?? [])
        {
            var name = variable?["name"]?.GetValue<string>();
            if (name is not null && !_stepEnvironment.ContainsKey(name))
            {
                merged.Add(variable!.DeepClone());
            }
        }

        foreach (var (name, value) in _stepEnvironment)
        {
            merged.Add(new JsonObject { ["name"] = name, ["value"] = value });
        }

        return merged;
    }

    private async Task<string> AwaitStartOperationAsync(ArmResponse accepted, string step, CancellationToken cancellationToken)
    {
        // 202 without the execution in its body: ARM's asynchronous-operation pattern; the Location answers 202
        // while the start is in progress and 200 with the execution once it exists.
        var location = Uri.TryCreate(accepted.Location, UriKind.Absolute, out var uri)
            ? uri
            : throw new ContainerAppsJobException($"Starting step '{step}' was accepted (HTTP {accepted.Status}) without an execution name or a Location to follow.", accepted.Status, null);
        var wait = accepted.RetryAfter ?? DefaultOperationPollInterval;
        for (var poll = 0; poll < MaxOperationPolls; poll++)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            var response = await SendAsync(RequestMethod.Get, location, null, $"follow the start of step '{step}'", cancellationToken).ConfigureAwait(false);
            if (response.Status == 200 && ExecutionNameOf(response) is { } name)
            {
                return name;
            }

            wait = response.RetryAfter ?? DefaultOperationPollInterval;
        }

        throw new ContainerAppsJobException($"Starting step '{step}' did not report an execution after {MaxOperationPolls} polls of {location}.", 202, null);
    }

    private async Task<ArmResponse> SendAsync(RequestMethod method, Uri uri, JsonNode? body, string what, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(WithApiVersion(uri));
        request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(body));
        }
        else if (method == RequestMethod.Post)
        {
            request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        }

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw new ContainerAppsJobException($"Could not {what} on job {_options.JobName}: {e.Message}", e.Status, e.ErrorCode, e);
        }
        catch (AggregateException e)
        {
            throw new ContainerAppsJobException($"Could not {what} on job {_options.JobName} after retries: {e.InnerExceptions[^1].Message}", 0, null, e);
        }

        var response = message.Response;
        var answer = new ArmResponse(
            response.Status,
            response.Content,
            response.Headers.TryGetValue("Location", out var location) ? location : null,
            response.Headers.TryGetValue("Retry-After", out var retryAfter) && int.TryParse(retryAfter, out var seconds) && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : null);
        if (answer.Status is >= 200 and < 300)
        {
            return answer;
        }

        var (code, text) = ArmError(answer, response.ReasonPhrase);
        var hint = answer.Status is 401 or 403
            ? " The identity needs Microsoft.App/jobs/read, jobs/start/action, jobs/executions/read and jobs/executions/stop/action on the job."
            : string.Empty;
        throw new ContainerAppsJobException(
            $"Could not {what} on job {_options.JobName}: HTTP {answer.Status}{(code is null ? "" : " " + code)}: {text}{hint}", answer.Status, code);
    }

    private static (string? Code, string Message) ArmError(ArmResponse response, string reason)
    {
        var raw = response.Content.ToString();
        try
        {
            var error = JsonNode.Parse(raw)?["error"];
            if (error is not null)
            {
                return (error["code"]?.GetValue<string>(), error["message"]?.GetValue<string>() ?? raw);
            }
        }
        catch (JsonException)
        {
        }

        return (null, raw.Length == 0 ? reason : raw);
    }

    private static JsonNode ParseJson(ArmResponse response, string what)
    {
        try
        {
            return JsonNode.Parse(response.Content.ToString())
                ?? throw new ContainerAppsJobException($"ARM answered with an empty body for {what}.", response.Status, null);
        }
        catch (JsonException e)
        {
            throw new ContainerAppsJobException($"ARM answered with a body that is not JSON for {what}: {e.Message}", response.Status, null, e);
        }
    }

    private static string? ExecutionNameOf(ArmResponse response)
    {
        if (response.Content.ToMemory().IsEmpty)
        {
            return null;
        }

        try
        {
            var body = JsonNode.Parse(response.Content.ToString());
            if (body?["name"]?.GetValue<string>() is { Length: > 0 } name)
            {
                return name;
            }

            // Some answers carry only the id: .../jobs/{job}/executions/{name}.
            var id = body?["id"]?.GetValue<string>();
            var marker = id?.LastIndexOf("/executions/", StringComparison.OrdinalIgnoreCase) ?? -1;
            return marker >= 0 ? id![(marker + "/executions/".Length)..] : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DateTimeOffset? ParseTime(JsonNode? node) =>
        node?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static string Ended(DateTimeOffset? endTime) => endTime is { } end ? $" at {end:u}" : string.Empty;

    private Uri ExecutionUri(string executionName) => new($"{_jobUri}/executions/{Uri.EscapeDataString(executionName)}");

    private static Uri Action(Uri resource, string action) => new($"{resource}/{action}");

    private static Uri WithApiVersion(Uri uri) =>
        uri.Query.Contains("api-version=", StringComparison.Ordinal) ? uri : new Uri($"{uri}{(uri.Query.Length == 0 ? "?" : "&")}api-version={ContainerAppsJobOptions.ApiVersion}");

    private static void ValidateStep(string step)
    {
        if (!StepNames.All.Contains(step, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{step}' is not a pipeline step; the steps are {string.Join(", ", StepNames.All)}.", nameof(step));
        }
    }

    private static void ValidateExecutionName(string executionName)
    {
        if (string.IsNullOrEmpty(executionName) || !ExecutionName().IsMatch(executionName))
        {
            throw new ArgumentException($"'{executionName}' is not a Container Apps job execution name.", nameof(executionName));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,126}$")]
    private static partial Regex ExecutionName();

    /// <summary>What is kept of an ARM response once its message is disposed.</summary>
    private sealed record ArmResponse(int Status, BinaryData Content, string? Location, TimeSpan? RetryAfter);
}
