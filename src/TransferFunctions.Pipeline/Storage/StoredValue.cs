namespace TransferFunctions.Pipeline.Storage;

/// <summary>A JSON document read from a store together with the ETag to use for compare-and-swap.</summary>
public sealed record StoredValue<T>(string Key, T Value, string ETag);
