namespace TransferFunctions.Importers.Onnx;

/// <summary>Where an imported file came from, for the card's licence and provenance: a package (id, version) and the file in it.</summary>
/// <param name="License">The licence the weights are under, as the package states it (e.g. "MIT").</param>
/// <param name="PackageId">The package that carried the file (e.g. a NuGet id), when there was one.</param>
/// <param name="PackageVersion">That package's version.</param>
/// <param name="FileInPackage">The file's path inside the package.</param>
/// <param name="Copyright">The copyright line of that licence, when known.</param>
public sealed record OnnxOrigin(string License, string? PackageId = null, string? PackageVersion = null, string? FileInPackage = null, string? Copyright = null);
