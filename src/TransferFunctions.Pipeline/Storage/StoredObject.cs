namespace TransferFunctions.Pipeline.Storage;

/// <summary>An object read whole into memory, with the properties of exactly these bytes.</summary>
public sealed record StoredObject(ObjectProperties Properties, ReadOnlyMemory<byte> Content)
{
    public string Key => Properties.Key;

    public string ETag => Properties.ETag;
}
