using System.Security.Cryptography;
using TransferFunctions.Learning.Models;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Registry;

/// <summary>
/// Immutable, numbered model versions with cards and lineage, and a <c>champion</c> alias moved by
/// compare-and-swap, on any <see cref="IObjectStore"/>.
/// </summary>
/// <remarks>
/// A registration claims its version number create-only, writes the weights, and writes model.json
/// last: a version exists exactly when its model.json does. Nothing in a version folder is ever
/// overwritten (every write is create-only).
/// </remarks>
public sealed class ModelRegistry
{
    private const int MaxClaimAttempts = 1000;

    private readonly IObjectStore _store;
    private readonly TimeProvider _time;

    public ModelRegistry(IObjectStore store, TimeProvider? timeProvider = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Registers weights from memory; see <see cref="RegisterAsync(ModelCard, Stream, CancellationToken)"/>.</summary>
    public Task<ModelCard> RegisterAsync(ModelCard card, ReadOnlyMemory<byte> weights, CancellationToken cancellationToken = default) =>
        RegisterAsync(card, new MemoryStream(weights.ToArray(), writable: false), cancellationToken);

    /// <summary>
    /// Registers a new version: assigns the next free number, stores <paramref name="weights"/>
    /// (read to the end) and the card with version, creation time, digest and size filled in, and
    /// returns that card. If the card already states a <see cref="ModelCard.WeightsDigest"/>, the
    /// weights must match it.
    /// </summary>
    public async Task<ModelCard> RegisterAsync(ModelCard card, Stream weights, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(weights);
        ModelKeys.ValidateName(card.Name);
        if (card.Version != 0)
        {
            throw new ArgumentException($"ModelCard.Version must be 0 when registering model '{card.Name}' (it is {card.Version}); the registry assigns versions.", nameof(card));
        }

        if (string.IsNullOrWhiteSpace(card.Architecture))
        {
            throw new ArgumentException($"ModelCard.Architecture of model '{card.Name}' is empty; a card must say what network the weights belong to.", nameof(card));
        }

        var version = await ClaimNextVersionAsync(card, cancellationToken).ConfigureAwait(false);
        using var hashing = new HashingReadStream(weights);
        await _store.WriteFromStreamAsync(ModelKeys.Weights(card.Name, version), hashing, WriteCondition.CreateOnly, cancellationToken).ConfigureAwait(false);
        var digest = hashing.Digest();
        if (card.WeightsDigest.Length > 0 && !string.Equals(card.WeightsDigest, digest, StringComparison.OrdinalIgnoreCase))
        {
            // The version stays claimed but incomplete (no model.json): invisible, and its number unused.
            throw new ModelIntegrityException(card.Name, version, card.WeightsDigest, digest);
        }

        var registered = card with
        {
            Version = version,
            CreatedAt = _time.GetUtcNow(),
            WeightsDigest = digest,
            WeightsSizeBytes = hashing.BytesRead,
        };
        // The card is written in its own file format, the same as a package directory's model.json.
        await _store.WriteAsync(ModelKeys.Card(card.Name, version), ModelCardJson.Serialize(registered), WriteCondition.CreateOnly, cancellationToken).ConfigureAwait(false);
        return registered;
    }

    /// <summary>The card of a complete version, or null when there is none.</summary>
    public async Task<ModelCard?> GetAsync(string name, int version, CancellationToken cancellationToken = default)
    {
        ModelKeys.ValidateName(name);
        if (version < 1)
        {
            return null;
        }

        var key = ModelKeys.Card(name, version);
        var stored = await _store.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        // Cards of older versions are upgraded on read, or refused with the reason (ModelCardJson.Parse).
        return stored is null ? null : ModelCardJson.Parse(stored.Content.Span, key);
    }

    /// <summary>The cards of all complete versions of <paramref name="name"/>, oldest first.</summary>
    public async Task<IReadOnlyList<ModelCard>> ListVersionsAsync(string name, CancellationToken cancellationToken = default)
    {
        var cards = new List<ModelCard>();
        foreach (var version in (await ScanVersionsAsync(name, cancellationToken).ConfigureAwait(false)).Complete)
        {
            var card = await GetAsync(name, version, cancellationToken).ConfigureAwait(false);
            if (card is not null)
            {
                cards.Add(card);
            }
        }

        return cards;
    }

    /// <summary>Names of all models with at least one complete version, in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var item in _store.ListAsync(ModelKeys.Root, cancellationToken).ConfigureAwait(false))
        {
            var segments = item.Key.Split('/');
            if (segments.Length == 4 && segments[3] == "model.json" && ModelKeys.TryParseVersionKey(segments[1], item.Key, out _, out _))
            {
                names.Add(segments[1]);
            }
        }

        return names.ToArray();
    }

    /// <summary>
    /// Opens the weights of a version after verifying them against the card's SHA-256 digest and
    /// size. The caller disposes the stream.
    /// </summary>
    /// <exception cref="ModelVersionNotFoundException">No such complete version.</exception>
    /// <exception cref="ModelIntegrityException">The stored weights are missing or differ from the card.</exception>
    public async Task<Stream> OpenWeightsAsync(string name, int version, CancellationToken cancellationToken = default)
    {
        var card = await GetAsync(name, version, cancellationToken).ConfigureAwait(false) ?? throw new ModelVersionNotFoundException(name, version);
        var download = await _store.OpenReadAsync(ModelKeys.Weights(name, version), cancellationToken).ConfigureAwait(false)
            ?? throw new ModelIntegrityException(name, version, card.WeightsDigest, "missing");
        var content = download.Content;
        try
        {
            if (!content.CanSeek)
            {
                // Verify before handing out anything: spool a non-seekable download to a private temporary file.
                var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                await using (content.ConfigureAwait(false))
                {
                    await content.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
                }

                content = spool;
                content.Position = 0;
            }

            var digest = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));
            if (!string.Equals(digest, card.WeightsDigest, StringComparison.OrdinalIgnoreCase) || content.Length != card.WeightsSizeBytes)
            {
                throw new ModelIntegrityException(name, version, $"{card.WeightsDigest} ({card.WeightsSizeBytes} bytes)", $"{digest} ({content.Length} bytes)");
            }

            content.Position = 0;
            return content;
        }
        catch
        {
            await content.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The champion alias with its ETag, or null when the model has no champion.</summary>
    public Task<StoredValue<ChampionAlias>?> GetChampionAsync(string name, CancellationToken cancellationToken = default) =>
        _store.ReadJsonAsync<ChampionAlias>(ModelKeys.Champion(name), cancellationToken);

    /// <summary>
    /// Makes <paramref name="newVersion"/> the champion if the champion is still what
    /// <paramref name="expected"/> says; the replaced champion goes onto the history. Returns
    /// <c>Moved = false</c> with the current alias when it changed since (re-evaluate and retry).
    /// </summary>
    /// <exception cref="ModelVersionNotFoundException"><paramref name="newVersion"/> is not a complete version.</exception>
    public async Task<ChampionMoveResult> TryMoveChampionAsync(string name, int newVersion, ChampionExpectation expected, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _ = await GetAsync(name, newVersion, cancellationToken).ConfigureAwait(false) ?? throw new ModelVersionNotFoundException(name, newVersion);
        var current = await GetChampionAsync(name, cancellationToken).ConfigureAwait(false);
        var holds = expected.Kind switch
        {
            ChampionExpectationKind.NoChampion => current is null,
            ChampionExpectationKind.ETag => current is not null && current.ETag == expected.ETag,
            _ => current is not null && current.Value.Version == expected.Version,
        };
        if (!holds)
        {
            return new ChampionMoveResult(false, current);
        }

        if (current is not null && current.Value.Version == newVersion)
        {
            throw new Api.ConflictException($"Model '{name}' v{newVersion} is already the champion.");
        }

        var now = _time.GetUtcNow();
        var history = current is null
            ? []
            : current.Value.History.Append(new ChampionHistoryEntry(current.Value.Version, current.Value.UpdatedAt, current.Value.Reason, now)).ToArray();
        return await SwapChampionAsync(name, current, new ChampionAlias(name, newVersion, now, reason, history), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the champion back: to the previous champion (popping the history) when
    /// <paramref name="toVersion"/> is null, else to that version like a move. Returns
    /// <c>Moved = false</c> when the champion changed while rolling back.
    /// </summary>
    /// <exception cref="InvalidOperationException">No champion, or no previous champion to return to.</exception>
    public async Task<ChampionMoveResult> RollbackAsync(string name, int? toVersion, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var current = await GetChampionAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new Api.ConflictException($"Model '{name}' has no champion to roll back.");
        if (toVersion is { } target)
        {
            return await TryMoveChampionAsync(name, target, ChampionExpectation.WithETag(current.ETag), $"rollback from v{current.Value.Version}: {reason}", cancellationToken).ConfigureAwait(false);
        }

        var history = current.Value.History;
        if (history.Count == 0)
        {
            throw new Api.ConflictException($"Model '{name}' v{current.Value.Version} has no previous champion to roll back to.");
        }

        var previous = history[^1];
        var alias = new ChampionAlias(name, previous.Version, _time.GetUtcNow(), $"rollback from v{current.Value.Version}: {reason}", history.Take(history.Count - 1).ToArray());
        return await SwapChampionAsync(name, current, alias, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ChampionMoveResult> SwapChampionAsync(string name, StoredValue<ChampionAlias>? current, ChampionAlias next, CancellationToken cancellationToken)
    {
        var condition = current is null ? WriteCondition.CreateOnly : WriteCondition.IfMatch(current.ETag);
        try
        {
            var written = await _store.WriteJsonAsync(ModelKeys.Champion(name), next, condition, cancellationToken).ConfigureAwait(false);
            return new ChampionMoveResult(true, written);
        }
        catch (PreconditionFailedException)
        {
            return new ChampionMoveResult(false, await GetChampionAsync(name, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task<int> ClaimNextVersionAsync(ModelCard card, CancellationToken cancellationToken)
    {
        var version = (await ScanVersionsAsync(card.Name, cancellationToken).ConfigureAwait(false)).HighestClaimed + 1;
        for (var attempt = 0; attempt < MaxClaimAttempts; attempt++, version++)
        {
            try
            {
                await _store.WriteJsonAsync(ModelKeys.Claim(card.Name, version), new VersionClaim(card.RunId, _time.GetUtcNow()), WriteCondition.CreateOnly, cancellationToken).ConfigureAwait(false);
                return version;
            }
            catch (PreconditionFailedException)
            {
                // Another registration took this number first; try the next.
            }
        }

        throw new InvalidOperationException($"Could not claim a version number for model '{card.Name}' after {MaxClaimAttempts} attempts.");
    }

    private async Task<(int HighestClaimed, IReadOnlyList<int> Complete)> ScanVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var highest = 0;
        var complete = new SortedSet<int>();
        await foreach (var item in _store.ListAsync(ModelKeys.Folder(name) + "v", cancellationToken).ConfigureAwait(false))
        {
            if (!ModelKeys.TryParseVersionKey(name, item.Key, out var version, out var file))
            {
                continue;
            }

            highest = Math.Max(highest, version);
            if (file == "model.json")
            {
                complete.Add(version);
            }
        }

        return (highest, complete.ToArray());
    }
}
