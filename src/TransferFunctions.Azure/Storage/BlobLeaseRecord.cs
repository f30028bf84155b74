using System.Globalization;

namespace TransferFunctions.Azure.Storage;

/// <summary>
/// What a lease holder writes into the metadata of its lease marker blob: the port's lease (id, owner, times in the
/// storage service's clock). Azure itself only knows that the marker is leased, not until when in the port's terms.
/// </summary>
internal sealed record BlobLeaseRecord(string LeaseId, string Owner, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt)
{
    private const string LeaseIdName = "tfleaseid";
    private const string OwnerName = "tfowner";
    private const string AcquiredName = "tfacquired";
    private const string ExpiresName = "tfexpires";

    public Dictionary<string, string> ToMetadata() => new(StringComparer.OrdinalIgnoreCase)
    {
        [LeaseIdName] = LeaseId,
        // Metadata travels as HTTP headers, which carry ASCII only.
        [OwnerName] = Uri.EscapeDataString(Owner),
        [AcquiredName] = AcquiredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        [ExpiresName] = ExpiresAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
    };

    /// <summary>The record in <paramref name="metadata"/>, or null when there is none or it is unreadable (which grants no one anything).</summary>
    public static BlobLeaseRecord? FromMetadata(IDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        var values = new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase);
        if (!values.TryGetValue(LeaseIdName, out var leaseId)
            || !values.TryGetValue(OwnerName, out var owner)
            || !values.TryGetValue(AcquiredName, out var acquired)
            || !values.TryGetValue(ExpiresName, out var expires)
            || !TryParseInstant(acquired, out var acquiredAt)
            || !TryParseInstant(expires, out var expiresAt))
        {
            return null;
        }

        return new BlobLeaseRecord(leaseId, Uri.UnescapeDataString(owner), acquiredAt, expiresAt);
    }

    private static bool TryParseInstant(string text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
}
