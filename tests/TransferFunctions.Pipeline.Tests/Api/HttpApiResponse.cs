using System.Text.Json;

namespace TransferFunctions.Pipeline.Tests.Api;

/// <summary>What a host answered to a request of the <see cref="HttpApiContract"/>, whichever host it was.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Headers">Response and content headers by name (case-insensitive), several values joined by ','.</param>
/// <param name="Text">The body as UTF-8 text.</param>
public sealed record HttpApiResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Text)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonElement Json => JsonDocument.Parse(Text).RootElement;
}
