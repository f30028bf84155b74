namespace TransferFunctions.Cli.Serve;

/// <summary>A request the API cannot act on as sent (HTTP 400); the message names the field at fault.</summary>
public sealed class BadRequestException(string message, Exception? inner = null) : Exception(message, inner);
