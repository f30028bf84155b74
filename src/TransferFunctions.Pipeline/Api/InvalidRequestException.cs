namespace TransferFunctions.Pipeline.Api;

/// <summary>A request no host can act on as sent (HTTP 400); the message names the field at fault.</summary>
public sealed class InvalidRequestException(string message, Exception? inner = null) : Exception(message, inner);
