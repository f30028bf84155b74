namespace TransferFunctions.Functions.Http;

/// <summary>The request body is larger than <see cref="ApiProblems.MaxRequestBodyBytes"/> (a 413).</summary>
public sealed class PayloadTooLargeException(string message) : Exception(message);
