namespace TransferFunctions.Learning.Models;

/// <summary>Lineage: the model an adapted model started from.</summary>
/// <param name="Name">Registry model name, or the package name of a shipped or imported base.</param>
/// <param name="Version">Registry version; null for a base that is not a registry version (a shipped or imported package).</param>
/// <param name="WeightsDigest">The base weights' digest (<c>sha256:…</c>), which pins it whatever its name.</param>
/// <param name="License">The base weights' license.</param>
public sealed record BaseModelReference(string Name, int? Version, string WeightsDigest, string License);
