using System.Security.Cryptography;
using TransferFunctions.Learning.Engine;

namespace TransferFunctions.Learning.Models;

/// <summary>
/// A model on disk: <c>weights.safetensors</c> + <c>model.json</c> (its <see cref="ModelCard"/>). Loading verifies the
/// weights' digest; saving writes the weights first and the card last, each atomically, so a directory with a card
/// always has the weights the card describes.
/// </summary>
public sealed class ModelPackage : IDisposable
{
    public const string WeightsFile = "weights.safetensors";
    public const string CardFile = "model.json";

    public ModelPackage(ModelCard card, ResNet model)
    {
        Card = card;
        Model = model;
    }

    public ModelCard Card { get; private set; }
    public ResNet Model { get; }

    /// <summary>Builds the architecture the card names, with a head per label set.</summary>
    public static ResNet CreateModel(ModelCard card) =>
        new(ResNetSpec.ByName(card.Architecture, card.Input.Channels), card.Labels.Count, card.ExtraHeads.ToDictionary(kv => kv.Key, kv => kv.Value.Count),
            card.HeadHiddenUnits ?? 0);

    /// <summary>Reads a package directory's card (older formats upgraded, see <see cref="ModelCardJson.Parse"/>).</summary>
    public static ModelCard ReadCard(string directory)
    {
        var cardPath = Path.Combine(directory, CardFile);
        if (!File.Exists(cardPath)) throw new FileNotFoundException($"no model package at {directory}: {CardFile} is missing", cardPath);
        return ModelCardJson.Parse(File.ReadAllBytes(cardPath), cardPath);
    }

    public static ModelPackage Load(string directory) =>
        FromBytes(ReadCard(directory), File.ReadAllBytes(Path.Combine(directory, WeightsFile)), directory);

    /// <summary>Rebuilds a package from its card and weight bytes, refusing weights whose digest differs.</summary>
    public static ModelPackage FromBytes(ModelCard card, byte[] weights, string source = "<memory>")
    {
        var digest = Digest(weights);
        if (card.WeightsDigest.Length > 0 && !string.Equals(digest, card.WeightsDigest, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{source}: weights digest {digest} does not match the card's {card.WeightsDigest}; the file is corrupt or was replaced");
        var model = CreateModel(card);
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
        return new ModelPackage(card, model);
    }

    /// <summary>Serializes the weights and returns them with the card updated to their digest and size.</summary>
    public (byte[] Weights, ModelCard Card) Serialize()
    {
        var weights = Safetensors.Serialize(Model.state_dict(), new Dictionary<string, string> { ["format"] = "pt", ["architecture"] = Card.Architecture });
        Card = Card with { WeightsDigest = Digest(weights), WeightsSizeBytes = weights.LongLength };
        return (weights, Card);
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var (weights, card) = Serialize();
        WriteAtomically(Path.Combine(directory, WeightsFile), weights);
        WriteAtomically(Path.Combine(directory, CardFile), ModelCardJson.Serialize(card));
    }

    /// <summary>The one digest format of weights and files: <c>sha256:</c> and 64 lowercase hex digits.</summary>
    public static string Digest(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

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
