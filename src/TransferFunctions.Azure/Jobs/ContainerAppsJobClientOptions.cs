using Azure.Core;

namespace TransferFunctions.Azure.Jobs;

/// <summary>
/// Pipeline settings for the Container Apps job client. Azure.Core's retry policy retries 408, 429 and 5xx with
/// exponential backoff and honours <c>Retry-After</c> (ARM's throttling answer); these defaults give up after about
/// a minute, well inside an activity's time.
/// </summary>
public sealed class ContainerAppsJobClientOptions : ClientOptions
{
    public ContainerAppsJobClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromSeconds(2);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
    }
}
