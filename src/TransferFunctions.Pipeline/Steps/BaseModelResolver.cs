using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Registry;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// Turns a base-model reference into a loaded package. A reference is never a server path: it is <c>embedded</c> (the
/// shipped default), a shipped base by name (<see cref="PipelineOptions.ShippedBaseNames"/>, e.g. <c>imagenet-resnet18</c>), a registry model <c>name</c> (its champion) or <c>name:vN</c>, or <c>dir:NAME</c>, a package
/// directory NAME inside one of the configured <see cref="PipelineOptions.BaseModelDirectories"/>. Every load verifies the
/// weights against the digest of their card first (a package whose card states none is refused), and a directory package
/// that carries model code is refused unless the host trusts it (<see cref="ModelCode"/>).
/// </summary>
public sealed class BaseModelResolver(ModelRegistry registry, PipelineOptions options)
{
    /// <summary>Prefix of a reference to a package directory in the allow-listed base-model folders.</summary>
    public const string DirectoryPrefix = "dir:";

    /// <summary>Throws <see cref="InvalidRequestException"/> unless <paramref name="reference"/> is one of the accepted forms (it may still not exist).</summary>
    public void CheckReference(string reference)
    {
        if (string.IsNullOrWhiteSpace(reference)) throw new InvalidRequestException("Field 'baseModel' is empty: name 'embedded', a registry model ('name' or 'name:vN') or 'dir:NAME'.");
        if (reference == PipelineOptions.EmbeddedBase || PipelineOptions.ShippedBaseNames.Contains(reference)) return;
        if (reference.StartsWith(DirectoryPrefix, StringComparison.Ordinal))
        {
            var name = reference[DirectoryPrefix.Length..];
            if (!IsPlainName(name))
                throw new InvalidRequestException($"Field 'baseModel' is '{reference}': after 'dir:' give the name of a package directory in a configured base-model folder, not a path.");
            if (options.BaseModelDirectories.Count == 0)
                throw new InvalidRequestException($"Field 'baseModel' is '{reference}', but this host allows no base-model directories (configuration Pipeline:BaseModelDirectories).");
            if (FindDirectory(name) is { } directory) ModelCode.Require(directory, reference, options.TrustModelCode, $"set {ModelCode.TrustSetting}=true on this host");
            return;
        }
        var (model, _) = Parse(reference);
        if (!ModelKeys.IsValidName(model))
            throw new InvalidRequestException($"Field 'baseModel' is '{reference}': not 'embedded', a registry model name ('name' or 'name:vN'), nor 'dir:NAME'; paths are not accepted.");
    }

    public async Task<ModelPackage> LoadAsync(string reference, CancellationToken cancellationToken)
    {
        var (package, _) = await ResolveAsync(reference, cancellationToken);
        return package;
    }

    /// <summary>Loads the package and names it exactly: <c>name:vN</c> for a registry model (its champion pinned), else the reference.</summary>
    public async Task<(ModelPackage Package, string Pinned)> ResolveAsync(string reference, CancellationToken cancellationToken)
    {
        CheckReference(reference);
        if (reference == PipelineOptions.EmbeddedBase) return (LoadVerified(options.EmbeddedBaseDirectory, reference), reference);
        if (PipelineOptions.ShippedBaseNames.Contains(reference)) return (LoadShipped(reference), reference);
        if (reference.StartsWith(DirectoryPrefix, StringComparison.Ordinal))
        {
            var name = reference[DirectoryPrefix.Length..];
            var directory = FindDirectory(name)
                ?? throw new InvalidRequestException($"Base model '{reference}': no package directory '{name}' in the configured base-model folders.");
            // Checked again at load: the folder may have changed since the run was submitted.
            ModelCode.Require(directory, reference, options.TrustModelCode, $"set {ModelCode.TrustSetting}=true on this host");
            return (LoadVerified(directory, reference), reference);
        }
        var (model, version) = Parse(reference);
        if (version is null)
        {
            var champion = await registry.GetChampionAsync(model, cancellationToken)
                ?? throw new InvalidRequestException($"Base model '{reference}' is not a registry model with a champion.");
            version = champion.Value.Version;
        }
        return (await LoadVersionAsync(model, version.Value, cancellationToken), $"{model}:v{version}");
    }

    /// <summary>The registry version a pinned reference names (<c>name:vN</c>); null for the embedded base and directories.</summary>
    public static int? RegistryVersionOf(string pinned) =>
        pinned == PipelineOptions.EmbeddedBase || PipelineOptions.ShippedBaseNames.Contains(pinned) || pinned.StartsWith(DirectoryPrefix, StringComparison.Ordinal) ? null : Parse(pinned).Version;

    /// <summary>Loads a registered version (its weights are verified against the card).</summary>
    public async Task<ModelPackage> LoadVersionAsync(string name, int version, CancellationToken cancellationToken)
    {
        var card = await registry.GetAsync(name, version, cancellationToken) ?? throw new ModelVersionNotFoundException(name, version);
        await using var weights = await registry.OpenWeightsAsync(name, version, cancellationToken);
        using var buffer = new MemoryStream();
        await weights.CopyToAsync(buffer, cancellationToken);
        // The registry card is the package's card: its name and version become the lineage of what is adapted from it.
        return ModelPackage.FromBytes(card, buffer.ToArray(), $"models/{name}/v{version}");
    }

    /// <summary>
    /// Loads the package in <paramref name="directory"/> only if its card states the weights' digest, which
    /// <see cref="ModelPackage.Load"/> then checks before any weight reaches a model (a card without one would skip the check).
    /// </summary>
    /// <exception cref="InvalidDataException">The card states no digest, or the weights do not match it.</exception>
    public static ModelPackage LoadVerified(string directory, string reference)
    {
        ModelCard card;
        try
        {
            card = ModelPackage.ReadCard(directory);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"base model '{reference}': its {ModelPackage.CardFile} is not a model card ({e.Message})", e);
        }
        if (string.IsNullOrWhiteSpace(card.WeightsDigest))
            throw new InvalidDataException($"base model '{reference}': its {ModelPackage.CardFile} states no weights_digest, so its weights cannot be verified before loading; packages written by `transfer pretrain`, `transfer adapt` and `transfer models import` carry one");
        return ModelPackage.FromBytes(card, File.ReadAllBytes(Path.Combine(directory, ModelPackage.WeightsFile)), directory);
    }

    private string? FindDirectory(string name) =>
        options.BaseModelDirectories.Select(folder => Path.Combine(Path.GetFullPath(folder), name))
            .FirstOrDefault(directory => File.Exists(Path.Combine(directory, ModelPackage.CardFile)));

    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') && name.Trim('.').Length > 0 && !name.Contains("..", StringComparison.Ordinal);

    private ModelPackage LoadShipped(string name)
    {
        var directory = Path.Combine(options.ShippedBasesDirectory, name);
        if (!File.Exists(Path.Combine(directory, ModelPackage.CardFile)))
            throw new InvalidRequestException($"base model '{name}' is not installed in {options.ShippedBasesDirectory}: `./tf build` imports it from the restored NuGet package (or run `transfer models import --imagenet-resnet18 -o {directory}`)");
        return LoadVerified(directory, name);
    }

    private static (string Name, int? Version) Parse(string reference)
    {
        var i = reference.LastIndexOf(":v", StringComparison.Ordinal);
        if (i > 0 && int.TryParse(reference.AsSpan(i + 2), out var v)) return (reference[..i], v);
        return (reference, null);
    }
}
