namespace TransferFunctions.Learning.Models;

/// <summary>Lineage: the model an adapted model started from.</summary>
public sealed record BaseModelReference(string Name, string? Version, string WeightsDigest, string License);
