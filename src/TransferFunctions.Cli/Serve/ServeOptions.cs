namespace TransferFunctions.Cli.Serve;

/// <summary>How <c>transfer serve</c> listens, where its store and key live, and how much it runs at once.</summary>
/// <param name="Urls">Kestrel listen URLs, ';'-separated; loopback by default. Port 0 picks a free port.</param>
/// <param name="StoreDirectory">Root folder of the filesystem store.</param>
/// <param name="MaxConcurrentRuns">Runs executing at once (runs of one project always go one at a time).</param>
/// <param name="ApiKeyFile">The API key file; null: <see cref="DefaultApiKeyFile"/> of the store.</param>
/// <param name="RescanInterval">How often the arrival area is scanned without file events.</param>
public sealed record ServeOptions(
    string Urls = ServeOptions.DefaultUrls,
    string StoreDirectory = ServeOptions.DefaultStore,
    int MaxConcurrentRuns = 2,
    string? ApiKeyFile = null,
    TimeSpan? RescanInterval = null)
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public const string DefaultStore = ".store";

    /// <summary>
    /// <c>{store}/.tfstore-keys/api-key</c>: beside the data it guards, in a folder the store
    /// reserves for itself, so no listing shows it and no object key (hence no URL) reaches it.
    /// </summary>
    public static string DefaultApiKeyFile(string storeDirectory) =>
        Path.Combine(Path.GetFullPath(storeDirectory), ".tfstore-keys", "api-key");

    public string ResolvedApiKeyFile => ApiKeyFile ?? DefaultApiKeyFile(StoreDirectory);
}
