namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// An open read stream over one object version (large datasets, weights). The properties describe
/// the version being streamed, even if the key is overwritten while reading. Dispose it.
/// </summary>
public sealed class ObjectDownload : IAsyncDisposable, IDisposable
{
    public ObjectDownload(ObjectProperties properties, Stream content)
    {
        Properties = properties;
        Content = content;
    }

    public ObjectProperties Properties { get; }

    public Stream Content { get; }

    public void Dispose() => Content.Dispose();

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
