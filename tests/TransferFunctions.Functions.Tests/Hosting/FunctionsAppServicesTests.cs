using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TransferFunctions.Azure.Jobs;
using TransferFunctions.Azure.Storage;
using TransferFunctions.Functions.Http;
using TransferFunctions.Functions.Runs;
using TransferFunctions.Functions.Steps;
using TransferFunctions.Functions.Tests.TestSupport;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Functions.Tests.Hosting;

/// <summary>
/// The app's composition root (<see cref="FunctionsAppServices.AddTransferFunctionsApp"/>) from configuration alone, as
/// Program.cs runs it: which store, which step launcher, and that nothing local stands in for the Durable parts.
/// </summary>
public sealed class FunctionsAppServicesTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private static ServiceProvider Compose(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddTransferFunctionsApp(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    [Fact]
    public async Task Filesystem_store_composes_the_durable_parts_and_a_healthy_probe_without_a_scheduler()
    {
        using var provider = Compose(new() { ["Store:Kind"] = "filesystem", ["Store:Root"] = _folder.Path });

        Assert.IsType<FileSystemObjectStore>(provider.GetRequiredService<IObjectStore>());
        Assert.NotNull(provider.GetRequiredService<DurableAdaptationServices>());
        Assert.Null(provider.GetService<IContainerStepLauncher>());
        Assert.Equal(StepRunnerKinds.InProcess, provider.GetRequiredService<IOptions<StepRunnerOptions>>().Value.Runner);
        // Runs are Durable orchestrations here: the core's local service must not answer for them.
        var local = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IAdaptationService>());
        Assert.Contains("DurableAdaptationServices.For(client)", local.Message);

        var health = await provider.GetRequiredService<HealthProbe>().CheckAsync(CancellationToken.None);
        Assert.Equal("ok", health.Status);
        Assert.Equal(("filesystem", true), (health.Store.Kind, health.Store.Reachable));
        Assert.Null(health.Scheduler);

        var response = (TestHttpResponseData)await ActivatorUtilities.CreateInstance<HealthHttpFunctions>(provider)
            .GetAsync(TestHttpRequestData.Get("/api/health"), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", response.Json.GetProperty("status").GetString());
    }

    [Fact]
    public void Azure_blob_store_and_container_job_runner_come_from_the_Azure_library()
    {
        using var provider = Compose(new()
        {
            ["Store:Kind"] = "azure-blob",
            ["Store:BlobServiceUri"] = "https://tfexample.blob.core.windows.net",
            ["Steps:Runner"] = "container-job",
            ["ContainerApps:SubscriptionId"] = "00000000-0000-0000-0000-000000000001",
            ["ContainerApps:ResourceGroup"] = "rg-tf",
            ["ContainerApps:JobName"] = "tf-step",
        });

        // Neither is used here: constructing them signs in to nothing and calls nothing.
        Assert.IsType<AzureBlobObjectStore>(provider.GetRequiredService<IObjectStore>());
        var launcher = Assert.IsType<ContainerAppsJobLauncher>(provider.GetRequiredService<IContainerStepLauncher>());
        Assert.EndsWith("/resourceGroups/rg-tf/providers/Microsoft.App/jobs/tf-step", launcher.JobUri.AbsolutePath);
        Assert.Equal(StepRunnerKinds.ContainerJob, provider.GetRequiredService<IOptions<StepRunnerOptions>>().Value.Runner);
    }

    [Theory]
    [InlineData("Steps:Runner", "gpu-please", "Steps:Runner is 'gpu-please'")]
    [InlineData("Steps:MaxAttempts", "0", "Steps:MaxAttempts is 0")]
    public void Bad_step_runner_settings_fail_naming_the_setting(string key, string value, string expected)
    {
        using var provider = Compose(new() { ["Store:Root"] = _folder.Path, [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StepRunnerOptions>>().Value);
        Assert.Contains(expected, error.Message);
    }

    public void Dispose() => _folder.Dispose();
}
