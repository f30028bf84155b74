namespace TransferFunctions.Pipeline.Storage;

/// <summary>What a store knows about one object without reading it.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Size">Length of the content in bytes.</param>
/// <param name="ETag">Opaque version tag; changes whenever the content changes. Pass it to <see cref="WriteCondition.IfMatch"/>.</param>
/// <param name="LastModified">When the object was last written.</param>
public sealed record ObjectProperties(string Key, long Size, string ETag, DateTimeOffset LastModified);
