namespace TransferFunctions.Pipeline.Storage;

/// <summary>JSON documents on an <see cref="IObjectStore"/>, with their ETags, in the <see cref="StoreJson"/> dialect.</summary>
public static class ObjectStoreJsonExtensions
{
    /// <summary>Reads and deserializes a document, or returns null when it does not exist.</summary>
    public static async Task<StoredValue<T>?> ReadJsonAsync<T>(this IObjectStore store, string key, CancellationToken cancellationToken = default)
    {
        var stored = await store.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : new StoredValue<T>(key, StoreJson.Deserialize<T>(stored.Content.Span, key), stored.ETag);
    }

    /// <summary>Serializes and writes a document under <paramref name="condition"/>.</summary>
    public static async Task<StoredValue<T>> WriteJsonAsync<T>(this IObjectStore store, string key, T value, WriteCondition? condition = null, CancellationToken cancellationToken = default)
    {
        var properties = await store.WriteAsync(key, StoreJson.Serialize(value), condition, cancellationToken).ConfigureAwait(false);
        return new StoredValue<T>(key, value, properties.ETag);
    }

    /// <summary>
    /// Read-modify-write with compare-and-swap, retried until no one else wrote in between.
    /// <paramref name="update"/> gets the current value (null when absent) and returns the new one,
    /// or null to leave the document as it is. It may run several times, so it must be pure.
    /// Returns the document as stored afterwards (null when absent and not created).
    /// </summary>
    public static async Task<StoredValue<T>?> UpdateJsonAsync<T>(this IObjectStore store, string key, Func<T?, T?> update, CancellationToken cancellationToken = default)
        where T : class
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = await store.ReadJsonAsync<T>(key, cancellationToken).ConfigureAwait(false);
            var next = update(current?.Value);
            if (next is null)
            {
                return current;
            }

            var condition = current is null ? WriteCondition.CreateOnly : WriteCondition.IfMatch(current.ETag);
            try
            {
                return await store.WriteJsonAsync(key, next, condition, cancellationToken).ConfigureAwait(false);
            }
            catch (PreconditionFailedException)
            {
                // Someone wrote between our read and our write: read their version and apply the update again.
            }
        }
    }
}
