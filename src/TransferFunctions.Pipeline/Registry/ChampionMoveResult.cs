using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Registry;

/// <summary>
/// The outcome of a champion move. When <see cref="Moved"/> is false the champion changed since the
/// caller looked; <see cref="Current"/> is what it is now (null: none), to re-evaluate against.
/// </summary>
public sealed record ChampionMoveResult(bool Moved, StoredValue<ChampionAlias>? Current);
