using System.Text.Json.Nodes;
using TransferFunctions.Infra.Tests.TestSupport;

namespace TransferFunctions.Infra.Tests.Bicep;

/// <summary>
/// What the compiled template deploys, read from the ARM JSON bicep produced: identity-only connections, the
/// configuration contract of the step job and the Functions app, the `_READY` event filter, least-privilege roles.
/// </summary>
public sealed class CompiledTemplateTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    private static readonly string[] SecretMarkers = ["AccountKey", "SharedAccessSignature", "listKeys(", "listSecrets(", "primarySharedKey", "InstrumentationKey="];

    private ArmTemplate Template => compiled.Template;

    [Fact]
    public void Function_app_settings_connect_by_identity_and_hold_no_secret()
    {
        var settings = AppSettings();

        Assert.Equal("[parameters('storageAccountName')]", (string?)settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", (string?)settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("[parameters('identityClientId')]", (string?)settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal("[parameters('identityClientId')]", (string?)settings["AZURE_CLIENT_ID"]);
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "a plain AzureWebJobsStorage setting is a connection string");
        Assert.Equal("azure-blob", (string?)settings["TF_Store__Kind"]);
        Assert.Equal("managedidentity", (string?)settings["Storage__credential"]);
        Assert.Equal("[parameters('blobServiceUri')]", (string?)settings["Storage__blobServiceUri"]);
        Assert.Equal("[parameters('queueServiceUri')]", (string?)settings["Storage__queueServiceUri"]);
        Assert.Equal("container-job", (string?)settings["TF_Steps__Runner"]);
        Assert.Equal("[variables('containerTimeout')]", (string?)settings["TF_Steps__ContainerTimeout"]);
        Assert.Equal("cpu", (string?)settings["TF_Engine__Device"]);
        Assert.Equal("[parameters('stepDevice')]", (string?)settings["TF_ContainerApps__EngineDevice"]);
        Assert.Equal("[parameters('stepJobName')]", (string?)settings["TF_ContainerApps__JobName"]);
        Assert.Equal("[subscription().subscriptionId]", (string?)settings["TF_ContainerApps__SubscriptionId"]);
        Assert.Equal("[resourceGroup().name]", (string?)settings["TF_ContainerApps__ResourceGroup"]);
        foreach (var name in new[] { "TF_Store__BlobServiceUri", "TF_Store__Container", "TF_ContainerApps__ManagedIdentityClientId", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING" })
        {
            Assert.True(settings.ContainsKey(name), $"app setting {name} is missing");
        }
        foreach (var (name, value) in settings)
        {
            Assert.DoesNotContain(SecretMarkers, marker => ((string?)value ?? "").Contains(marker, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("ConnectionString", name.Replace("APPLICATIONINSIGHTS_CONNECTION_STRING", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Only_the_event_subscription_reads_a_key_and_nothing_allows_shared_keys_or_admin_users()
    {
        var readers = Template.AllResources()
            .Where(r => (string?)r["type"] != "Microsoft.Resources/deployments" && r.ToJsonString().Contains("listKeys(", StringComparison.Ordinal))
            .ToList();
        var storage = Template.Single("Microsoft.Storage/storageAccounts");
        var registry = Template.Single("Microsoft.ContainerRegistry/registries");
        var insights = Template.Single("Microsoft.Insights/components");
        var environment = Template.Single("Microsoft.App/managedEnvironments");

        // The Event Grid webhook of the blobs extension authenticates with the host's blobs_extension system key.
        var reader = Assert.Single(readers);
        Assert.Equal("Microsoft.EventGrid/systemTopics/eventSubscriptions", (string?)reader["type"]);
        Assert.False((bool)storage["properties"]!["allowSharedKeyAccess"]!);
        Assert.False((bool)storage["properties"]!["allowBlobPublicAccess"]!);
        Assert.False((bool)registry["properties"]!["adminUserEnabled"]!);
        Assert.True((bool)insights["properties"]!["DisableLocalAuth"]!);
        Assert.Equal("azure-monitor", (string?)environment["properties"]!["appLogsConfiguration"]!["destination"]);
    }

    [Fact]
    public void The_step_job_is_manual_and_gets_the_store_and_device_configuration()
    {
        var job = Template.Single("Microsoft.App/jobs");
        var configuration = job["properties"]!["configuration"]!;
        var container = job["properties"]!["template"]!["containers"]!.AsArray().Single()!;
        var environment = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);

        Assert.Equal("Manual", (string?)configuration["triggerType"]);
        Assert.Equal("[parameters('replicaTimeoutSeconds')]", (string?)configuration["replicaTimeout"]);
        Assert.Equal("[parameters('replicaRetryLimit')]", (string?)configuration["replicaRetryLimit"]);
        Assert.Equal("[parameters('identityId')]", (string?)configuration["registries"]![0]!["identity"]);
        Assert.Equal(
            new[] { "AZURE_CLIENT_ID", "TF_Engine__Device", "TF_Store__BlobServiceUri", "TF_Store__Container", "TF_Store__Kind" },
            environment.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("azure-blob", environment["TF_Store__Kind"]);
        Assert.Equal("[variables('device')]", environment["TF_Engine__Device"]);
    }

    [Fact]
    public void Gpu_profiles_run_cuda_and_the_consumption_profile_runs_cpu()
    {
        var steps = Template.OfType("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == "steps");
        var variables = steps["properties"]!["template"]!["variables"]!;

        Assert.Equal("[if(variables('gpu'), 'cuda', 'cpu')]", (string?)variables["device"]);
        Assert.Equal("[not(equals(parameters('workloadProfileType'), 'Consumption'))]", (string?)variables["gpu"]);
        Assert.Equal(8, (int)variables["sizes"]!["Consumption-GPU-NC8as-T4"]!["cpu"]!);
        Assert.Equal("56Gi", (string?)variables["sizes"]!["Consumption-GPU-NC8as-T4"]!["memory"]);
    }

    [Fact]
    public void Ready_events_are_blob_created_markers_under_datasets_sent_to_the_blob_trigger()
    {
        var subscription = Template.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions");
        var filter = subscription["properties"]!["filter"]!;
        var endpoint = (string?)subscription["properties"]!["destination"]!["properties"]!["endpointUrl"];

        Assert.Equal("[parameters('enableSubscription')]", (string?)subscription["condition"]);
        Assert.Equal(["Microsoft.Storage.BlobCreated"], filter["includedEventTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("[format('/blobServices/default/containers/{0}/blobs/datasets/', parameters('storeContainerName'))]", (string?)filter["subjectBeginsWith"]);
        Assert.Equal("/_READY", (string?)filter["subjectEndsWith"]);
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.{1}&code={2}", endpoint, StringComparison.Ordinal);
        Assert.Contains("systemKeys.blobs_extension", endpoint, StringComparison.Ordinal);
    }

    [Fact]
    public void The_identity_gets_exactly_the_data_pull_telemetry_and_job_roles()
    {
        var assignments = Template.OfType("Microsoft.Authorization/roleAssignments").ToList();
        // Role definition ids live in each module's variables; read the whole module that assigns.
        var modules = Template.OfType("Microsoft.Resources/deployments").Select(d => d.ToJsonString()).ToList();
        var storageRoles = Template.OfType("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == "storage")["properties"]!["template"]!["variables"]!["roles"]!.AsObject();
        var custom = Template.Single("Microsoft.Authorization/roleDefinitions");
        var actions = custom["properties"]!["permissions"]![0]!["actions"]!.AsArray().Select(a => (string?)a);

        Assert.Equal(
            new[] { "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b" },
            storageRoles.Select(r => (string?)r.Value).Order(StringComparer.Ordinal));
        Assert.Contains(modules, m => m.Contains("7f951dda-4ed3-4680-a7ca-43fe172d538d", StringComparison.Ordinal)); // AcrPull
        Assert.Contains(modules, m => m.Contains("3913510d-42f4-4e42-8a64-420c390055eb", StringComparison.Ordinal)); // Monitoring Metrics Publisher
        Assert.Contains(modules, m => m.Contains("b9a307c4-5aa3-4b52-ba60-2b17c136cd7b", StringComparison.Ordinal)); // Jobs Operator (opt-in)
        Assert.Equal(
            new[] { "Microsoft.App/jobs/execution/read", "Microsoft.App/jobs/executions/read", "Microsoft.App/jobs/read", "Microsoft.App/jobs/start/action", "Microsoft.App/jobs/stop/execution/action" },
            actions.Order(StringComparer.Ordinal));
        // The storage loop (three roles), AcrPull, Monitoring Metrics Publisher, the job operator; all to the one identity.
        Assert.Equal(4, assignments.Count);
        Assert.Equal("[length(items(variables('roles')))]", (string?)assignments.Single(a => a["copy"] is not null)["copy"]!["count"]);
        Assert.All(assignments, a => Assert.Equal("ServicePrincipal", (string?)a["properties"]!["principalType"]));
    }

    [Fact]
    public void The_function_app_runs_dotnet_isolated_on_flex_consumption_from_an_identity_deployment_container()
    {
        var plan = Template.Single("Microsoft.Web/serverfarms");
        var site = Template.Single("Microsoft.Web/sites");
        var config = site["properties"]!["functionAppConfig"]!;

        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.True((bool)site["properties"]!["httpsOnly"]!);
    }

    private JsonObject AppSettings() =>
        Template.OfType("Microsoft.Web/sites/config").Single(c => ((string?)c["name"] ?? "").Contains("appsettings", StringComparison.Ordinal))["properties"]!.AsObject();
}
