namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// The request is valid but the resource's state does not allow it (HTTP 409): approving a finished run, rolling back a
/// model without a previous champion. Derives from <see cref="InvalidOperationException"/> so existing callers keep catching it.
/// </summary>
public class ConflictException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
