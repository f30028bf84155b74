using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Registry;

namespace TransferFunctions.Pipeline.Service;

/// <summary>A registered model: its versions' cards and its champion alias (with the champion history).</summary>
public sealed record ModelSummary(string Name, IReadOnlyList<ModelCard> Versions, ChampionAlias? Champion);
