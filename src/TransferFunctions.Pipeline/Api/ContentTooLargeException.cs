namespace TransferFunctions.Pipeline.Api;

/// <summary>
/// The request body is larger than <see cref="ApiBodies.MaxBytes"/> (HTTP 413), on every host with one message: the
/// Functions app finds out while <see cref="ApiBodies"/> reads, <c>transfer serve</c> also when Kestrel's own limit
/// (the same number) refuses first (<paramref name="inner"/>).
/// </summary>
public sealed class ContentTooLargeException(Exception? inner = null)
    : Exception($"The request body is larger than {ApiBodies.MaxBytes} bytes; requests are small JSON documents.", inner);
