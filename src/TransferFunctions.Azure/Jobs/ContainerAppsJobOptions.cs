namespace TransferFunctions.Azure.Jobs;

/// <summary>
/// The <c>ContainerApps:</c> configuration section: which manual-trigger Container Apps job runs the steps, and what
/// its executions are told. The store they use comes from the <c>Store:</c> section (the same account and container).
/// </summary>
public sealed class ContainerAppsJobOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "ContainerApps";

    /// <summary>The Container Apps REST API version every request names.</summary>
    public const string ApiVersion = "2024-03-01";

    /// <summary>The Azure Resource Manager endpoint of the public cloud.</summary>
    public const string PublicCloudResourceManager = "https://management.azure.com/";

    public string? SubscriptionId { get; set; }

    public string? ResourceGroup { get; set; }

    /// <summary>The job's name (a manual-trigger job whose template holds the step image).</summary>
    public string? JobName { get; set; }

    /// <summary>The job container that runs the step; default: the template's first container.</summary>
    public string? ContainerName { get; set; }

    /// <summary>Azure Resource Manager endpoint (sovereign clouds differ).</summary>
    public string ResourceManagerEndpoint { get; set; } = PublicCloudResourceManager;

    /// <summary>The executable on the image's PATH that takes <c>step &lt;name&gt; --input &lt;key&gt; --output &lt;key&gt;</c>.</summary>
    public string Command { get; set; } = "transfer";

    /// <summary>Passed to the step as <c>TF_Engine__Device</c>: <c>cuda</c> for the GPU image (fails loudly without a GPU), <c>cpu</c> or <c>auto</c> otherwise.</summary>
    public string EngineDevice { get; set; } = "cuda";

    /// <summary>
    /// The user-assigned managed identity the step signs in with, passed as <c>AZURE_CLIENT_ID</c>; default: this
    /// process's own <c>AZURE_CLIENT_ID</c> (the same identity), else whatever the job's template defines.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }
}
