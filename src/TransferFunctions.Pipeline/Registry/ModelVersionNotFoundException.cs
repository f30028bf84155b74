namespace TransferFunctions.Pipeline.Registry;

/// <summary>No complete version <see cref="Version"/> of model <see cref="ModelName"/> exists.</summary>
public sealed class ModelVersionNotFoundException(string modelName, int version)
    : KeyNotFoundException($"Model '{modelName}' has no version {version} (no models/{modelName}/v{version}/model.json).")
{
    public string ModelName { get; } = modelName;

    public int Version { get; } = version;
}
