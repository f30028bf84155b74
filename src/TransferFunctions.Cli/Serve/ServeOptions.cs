namespace TransferFunctions.Cli.Serve;

/// <summary>
/// How <c>transfer serve</c> listens and where its key lives; the pipeline's own settings (store, scheduler, trigger) come
/// from configuration, which <see cref="Settings"/> (the command's explicit options) tops.
/// </summary>
/// <param name="Urls">Kestrel listen URLs, ';'-separated; loopback by default. Port 0 picks a free port.</param>
/// <param name="ApiKeyFile">The API key file; null: <see cref="DefaultApiKeyFile"/> of the store.</param>
/// <param name="Settings">Configuration keys set on the command line (<c>Store:Root</c>, <c>Scheduler:MaxConcurrentRuns</c>, …).</param>
public sealed record ServeOptions(string Urls = ServeOptions.DefaultUrls, string? ApiKeyFile = null, IReadOnlyDictionary<string, string?>? Settings = null)
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>
    /// <c>{store}/.tfstore-keys/api-key</c>: beside the data it guards, in a folder the store
    /// reserves for itself, so no listing shows it and no object key (hence no URL) reaches it.
    /// </summary>
    public static string DefaultApiKeyFile(string storeDirectory) =>
        Path.Combine(Path.GetFullPath(storeDirectory), ".tfstore-keys", "api-key");

    public string ResolvedApiKeyFile(string storeDirectory) => ApiKeyFile ?? DefaultApiKeyFile(storeDirectory);
}
