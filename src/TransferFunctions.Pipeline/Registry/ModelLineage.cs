namespace TransferFunctions.Pipeline.Registry;

/// <summary>The model another was derived from.</summary>
/// <param name="Name">Registry model name, or a model zoo name for a published base model.</param>
/// <param name="Version">Registry version; null for a model that is not in this registry (e.g. a zoo download).</param>
/// <param name="WeightsDigest">The base weights' digest (<c>sha256:…</c>), which pins it whatever its name.</param>
public sealed record ModelLineage(string Name, int? Version, string WeightsDigest);
