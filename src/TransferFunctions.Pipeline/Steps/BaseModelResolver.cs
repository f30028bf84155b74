using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Registry;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Turns a base-model reference into a loaded package: "embedded" (the shipped default), a shipped base by name
/// (<see cref="PipelineOptions.ShippedBaseNames"/>), a package directory, or a registry model "name" (its champion) / "name:vN". Loading verifies the weights' digest.
/// </summary>
public sealed class BaseModelResolver(ModelRegistry registry, PipelineOptions options)
{
    public async Task<ModelPackage> LoadAsync(string reference, CancellationToken cancellationToken)
    {
        if (reference == PipelineOptions.EmbeddedBase) return ModelPackage.Load(options.EmbeddedBaseDirectory);
        if (PipelineOptions.ShippedBaseNames.Contains(reference)) return LoadShipped(reference);
        if (Directory.Exists(reference)) return ModelPackage.Load(reference);
        if (reference.Contains('/') || reference.Contains(Path.DirectorySeparatorChar))
            throw new DirectoryNotFoundException($"base model package directory '{reference}' does not exist");
        var (name, version) = Parse(reference);
        if (version is null)
        {
            var champion = await registry.GetChampionAsync(name, cancellationToken)
                ?? throw new ArgumentException($"base model '{reference}' is neither a package directory nor a registry model with a champion");
            version = champion.Value.Version;
        }
        return await LoadVersionAsync(name, version.Value, cancellationToken);
    }

    /// <summary>Loads a registered version (its weights are verified against the card).</summary>
    public async Task<ModelPackage> LoadVersionAsync(string name, int version, CancellationToken cancellationToken)
    {
        var card = await registry.GetAsync(name, version, cancellationToken)
            ?? throw new ArgumentException($"model {name} has no version {version}");
        var manifest = card.Package ?? throw new InvalidDataException($"model {name} v{version} has no package manifest in its card");
        await using var weights = await registry.OpenWeightsAsync(name, version, cancellationToken);
        using var buffer = new MemoryStream();
        await weights.CopyToAsync(buffer, cancellationToken);
        return ModelPackage.FromBytes(manifest, buffer.ToArray(), $"models/{name}/v{version}");
    }

    private ModelPackage LoadShipped(string name)
    {
        var directory = Path.Combine(options.ShippedBasesDirectory, name);
        if (!File.Exists(Path.Combine(directory, ModelPackage.ManifestFile)))
            throw new ArgumentException($"base model '{name}' is not installed in {options.ShippedBasesDirectory}: `./tf build` imports it from the restored NuGet package (or run `transfer models import --imagenet-resnet18 -o {directory}`)");
        return ModelPackage.Load(directory);
    }

    private static (string Name, int? Version) Parse(string reference)
    {
        var i = reference.LastIndexOf(":v", StringComparison.Ordinal);
        if (i > 0 && int.TryParse(reference.AsSpan(i + 2), out var v)) return (reference[..i], v);
        return (reference, null);
    }
}
