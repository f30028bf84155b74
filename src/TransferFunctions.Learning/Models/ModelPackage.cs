using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using TransferFunctions.Learning.Engine;

namespace TransferFunctions.Learning.Models;

/// <summary>
/// A model on disk: <c>weights.safetensors</c> + <c>model.json</c>. Loading verifies the weights'
/// digest; saving writes the weights first and the manifest last, each atomically, so a directory
/// with a manifest always has the weights the manifest describes.
/// </summary>
public sealed class ModelPackage : IDisposable
{
    public const string WeightsFile = "weights.safetensors";
    public const string ManifestFile = "model.json";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public ModelPackage(ModelManifest manifest, ResNet model)
    {
        Manifest = manifest;
        Model = model;
    }

    public ModelManifest Manifest { get; private set; }
    public ResNet Model { get; }

    /// <summary>Builds the architecture the manifest names, with a head per label set.</summary>
    public static ResNet CreateModel(ModelManifest manifest) =>
        new(ResNetSpec.ByName(manifest.Architecture, manifest.Input.Channels), manifest.Labels.Count, manifest.ExtraHeads.ToDictionary(kv => kv.Key, kv => kv.Value.Count),
            manifest.HeadHiddenUnits ?? 0);

    public static ModelPackage Load(string directory)
    {
        var manifestPath = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"no model package at {directory}: {ManifestFile} is missing", manifestPath);
        var manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(manifestPath), JsonOptions)
            ?? throw new InvalidDataException($"{manifestPath} is empty");
        return FromBytes(manifest, File.ReadAllBytes(Path.Combine(directory, WeightsFile)), directory);
    }

    /// <summary>Rebuilds a package from its manifest and weight bytes, refusing weights whose digest differs.</summary>
    public static ModelPackage FromBytes(ModelManifest manifest, byte[] weights, string source = "<memory>")
    {
        var digest = Digest(weights);
        if (manifest.WeightsDigest.Length > 0 && !string.Equals(digest, manifest.WeightsDigest, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{source}: weights digest {digest} does not match the manifest's {manifest.WeightsDigest}; the file is corrupt or was replaced");
        var model = CreateModel(manifest);
        try
        {
            using var file = Safetensors.Deserialize(weights, source);
            model.LoadStateDictChecked(file.Tensors);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new ModelPackage(manifest, model);
    }

    /// <summary>Serializes the weights and returns them with the manifest updated to their digest.</summary>
    public (byte[] Weights, ModelManifest Manifest) Serialize()
    {
        var weights = Safetensors.Serialize(Model.state_dict(), new Dictionary<string, string> { ["format"] = "pt", ["architecture"] = Manifest.Architecture });
        Manifest = Manifest with { WeightsDigest = Digest(weights) };
        return (weights, Manifest);
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var (weights, manifest) = Serialize();
        WriteAtomically(Path.Combine(directory, WeightsFile), weights);
        WriteAtomically(Path.Combine(directory, ManifestFile), JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions));
    }

    public static string Digest(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + $".{Guid.NewGuid():N}.tmp";
        using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public void Dispose() => Model.Dispose();
}
