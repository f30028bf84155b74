namespace TransferFunctions.Learning.Data;

/// <summary>An image could not be decoded; the message carries the decoder's reason.</summary>
public sealed class ImageDecodeException(string message, Exception? inner = null) : Exception(message, inner);
