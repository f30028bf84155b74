namespace TransferFunctions.Pipeline.Storage;

/// <summary>
/// An exclusive, expiring claim on a key (Azure Blob lease semantics). Leases are advisory: they
/// do not block writes to the object; cooperating parties acquire the lease before acting.
/// </summary>
/// <param name="Key">The leased key (the object itself need not exist).</param>
/// <param name="LeaseId">Identifies this grant; renew and release must present it.</param>
/// <param name="Owner">Who holds it, for diagnostics (e.g. "runner host-1 pid 4242").</param>
/// <param name="AcquiredAt">When the lease was first granted.</param>
/// <param name="ExpiresAt">After this instant anyone may take the lease over.</param>
public sealed record ObjectLease(string Key, string LeaseId, string Owner, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);
