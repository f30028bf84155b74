using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Azure.Tests.TestSupport;

namespace TransferFunctions.Azure.Tests.Jobs;

/// <summary>
/// The launcher and the monitor against recorded ARM conversations (Jobs - Get, Jobs - Start, Job Execution - Get,
/// Stop Execution; shapes from the 2024-03-01 REST reference and its examples). The credential is Azure.Identity's
/// real ClientSecretCredential, whose token request is part of the recording; every ARM request must carry the
/// token it was issued.
/// </summary>
public sealed class ContainerAppsJobLauncherTests
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string Client = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private const string Execution = "tf-step-pjxhsye";
    private const string InputKey = "runs/fashion-b1/steps/adapt/input.json";
    private const string OutputKey = "runs/fashion-b1/steps/adapt/output.json";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task Step_is_started_with_its_command_and_environment_then_polled_until_it_succeeds()
    {
        var arm = new RecordedConversation("start-poll-succeeded");
        var launcher = Launcher(arm);

        var outcome = await ContainerStepMonitor.RunAsync(launcher, "adapt", InputKey, OutputKey, Poll, TimeSpan.FromSeconds(30), Ct);

        arm.AssertComplete();
        Assert.True(outcome.Succeeded);
        Assert.Equal(Execution, outcome.Status.ExecutionName);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 20, 47, 30, TimeSpan.Zero), outcome.Status.EndTime);
        Assert.True(arm.Requests.Count(r => r.Url.Contains("/executions/", StringComparison.Ordinal)) >= 2, "it should have polled at least once while running");
    }

    [Fact]
    public async Task Init_containers_of_the_job_are_restated_in_the_start_template()
    {
        var arm = new RecordedConversation("start-with-init-containers");

        var name = await Launcher(arm).StartAsync("adapt", InputKey, OutputKey, Ct);

        arm.AssertComplete();
        Assert.Equal(Execution, name);
    }

    [Fact]
    public async Task Failed_execution_is_reported_as_failed_with_where_to_look()
    {
        var arm = new RecordedConversation("start-poll-failed");

        var outcome = await ContainerStepMonitor.RunAsync(Launcher(arm), "adapt", InputKey, OutputKey, Poll, TimeSpan.FromSeconds(30), Ct);

        arm.AssertComplete();
        Assert.False(outcome.Succeeded);
        Assert.False(outcome.TimedOut);
        Assert.Equal(ContainerStepState.Failed, outcome.Status.State);
        Assert.Equal("Failed", outcome.Status.ServiceStatus);
        Assert.Contains("ContainerAppConsoleLogs", outcome.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Step_running_past_its_deadline_is_stopped_and_reported_as_timed_out()
    {
        var arm = new RecordedConversation("start-poll-timed-out");
        var clock = Stopwatch.StartNew();

        var outcome = await ContainerStepMonitor.RunAsync(Launcher(arm), "adapt", InputKey, OutputKey, Poll, TimeSpan.FromMilliseconds(400), Ct);

        arm.AssertComplete();
        Assert.True(outcome.TimedOut);
        Assert.False(outcome.Succeeded);
        Assert.Equal(ContainerStepState.Stopped, outcome.Status.State);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), $"stopped after {clock.Elapsed.TotalMilliseconds:0} ms, before the deadline");
    }

    [Fact]
    public async Task Cancelling_the_monitor_stops_the_execution()
    {
        var arm = new RecordedConversation("start-poll-cancelled");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ContainerStepMonitor.RunAsync(Launcher(arm), "adapt", InputKey, OutputKey, Poll, TimeSpan.FromMinutes(5), cancel.Token));

        arm.AssertComplete();
        Assert.Equal("POST", arm.Requests[^1].Method);
        Assert.EndsWith($"/executions/{Execution}/stop?api-version=2024-03-01", arm.Requests[^1].Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_with_backoff_honouring_retry_after()
    {
        var arm = new RecordedConversation("throttled-then-ok");

        var outcome = await ContainerStepMonitor.RunAsync(Launcher(arm), "adapt", InputKey, OutputKey, Poll, TimeSpan.FromSeconds(30), Ct);

        arm.AssertComplete();
        Assert.True(outcome.Succeeded);
        var jobReads = arm.Requests.Where(r => r.Method == "GET" && r.Url.Contains("/jobs/tf-step?", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, jobReads.Count);
        // Retry-After: 1 from the 429, although the test's own backoff is a few milliseconds.
        Assert.True(jobReads[1].At - jobReads[0].At >= TimeSpan.FromSeconds(0.9), $"retried after {(jobReads[1].At - jobReads[0].At).TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Start_answered_202_follows_the_location_until_the_execution_exists()
    {
        var arm = new RecordedConversation("start-accepted-then-location");

        var name = await Launcher(arm).StartAsync("adapt", InputKey, OutputKey, Ct);

        arm.AssertComplete();
        Assert.Equal(Execution, name);
    }

    [Fact]
    public async Task Missing_permission_fails_at_once_with_the_arm_message_and_what_the_identity_needs()
    {
        var arm = new RecordedConversation("start-forbidden");

        var error = await Assert.ThrowsAsync<ContainerAppsJobException>(() => Launcher(arm).StartAsync("adapt", InputKey, OutputKey, Ct));

        arm.AssertComplete();
        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationFailed", error.ErrorCode);
        Assert.Contains("Microsoft.App/jobs/read", error.Message, StringComparison.Ordinal);
        Assert.Contains("jobs/start/action", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, arm.Requests.Count);
    }

    [Fact]
    public async Task Stopping_an_execution_that_already_finished_is_not_an_error()
    {
        var arm = new RecordedConversation("stop-after-finished");

        await Launcher(arm).StopAsync(Execution, Ct);

        arm.AssertComplete();
    }

    [Theory]
    [InlineData("train", "runs/a/in.json", "runs/a/out.json", "not a pipeline step")]
    [InlineData("adapt", "../secrets", "runs/a/out.json", "'..' segment")]
    [InlineData("adapt", "runs/a/in.json", "/etc/passwd", "absolute")]
    public async Task Bad_step_or_keys_are_refused_before_any_request(string step, string input, string output, string reason)
    {
        var arm = new RecordedConversation("start-forbidden");

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => Launcher(arm).StartAsync(step, input, output, Ct));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Empty(arm.Requests);
    }

    [Fact]
    public void Configuration_problems_are_named_in_configuration_terms()
    {
        var problems = ContainerAppsJobOptionsValidator.Problems(
            new ContainerAppsJobOptions { SubscriptionId = "not-a-guid", EngineDevice = "gpu" },
            new AzureBlobStoreOptions { ConnectionString = "UseDevelopmentStorage=true" });

        Assert.Contains(problems, p => p.Contains("ContainerApps:SubscriptionId 'not-a-guid'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ContainerApps:ResourceGroup must be set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ContainerApps:JobName must be set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ContainerApps:EngineDevice 'gpu'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Container steps need Store:BlobServiceUri", StringComparison.Ordinal));
        Assert.Empty(ContainerAppsJobOptionsValidator.Problems(Options(), Store()));
    }

    private static ContainerAppsJobOptions Options() => new()
    {
        SubscriptionId = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345",
        ResourceGroup = "rg-transferfunctions",
        JobName = "tf-step",
        ManagedIdentityClientId = "99999999-8888-7777-6666-555555555555",
    };

    private static AzureBlobStoreOptions Store() => new() { BlobServiceUri = "https://tfstore.blob.core.windows.net" };

    private static ContainerAppsJobLauncher Launcher(RecordedConversation arm)
    {
        var transport = new HttpClientTransport(new HttpClient(arm));
        var credential = new ClientSecretCredential(Tenant, Client, "recorded-secret", new ClientSecretCredentialOptions
        {
            Transport = transport,
            DisableInstanceDiscovery = true,
        });
        var client = new ContainerAppsJobClientOptions { Transport = transport };
        client.Retry.Delay = TimeSpan.FromMilliseconds(5);
        client.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return new ContainerAppsJobLauncher(Options(), Store(), credential, client);
    }
}
