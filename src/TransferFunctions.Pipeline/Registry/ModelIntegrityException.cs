namespace TransferFunctions.Pipeline.Registry;

/// <summary>A model's weights are not the bytes its card describes (corrupted, replaced or missing).</summary>
public sealed class ModelIntegrityException(string modelName, int version, string expected, string actual)
    : Exception($"Weights of model '{modelName}' v{version} fail verification: the card says {expected}, the stored file is {actual}.")
{
    public string ModelName { get; } = modelName;

    public int Version { get; } = version;

    public string Expected { get; } = expected;

    public string Actual { get; } = actual;
}
