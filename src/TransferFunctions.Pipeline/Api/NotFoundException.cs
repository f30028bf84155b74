namespace TransferFunctions.Pipeline.Api;

/// <summary>The request names something that does not exist (HTTP 404): a model, a report file.</summary>
public sealed class NotFoundException(string message) : Exception(message);
