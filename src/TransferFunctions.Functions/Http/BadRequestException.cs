namespace TransferFunctions.Functions.Http;

/// <summary>The request itself is wrong (a 400 whose message names the field or header).</summary>
public sealed class BadRequestException(string message, Exception? inner = null) : Exception(message, inner);
