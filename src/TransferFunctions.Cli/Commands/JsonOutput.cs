using System.Text.Json;
using System.Text.Json.Nodes;

namespace TransferFunctions.Cli.Commands;

/// <summary>Result-producing commands end stdout with exactly one line of JSON carrying their figures.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static void WriteLastLine(JsonNode result)
    {
        System.Console.Out.Flush();
        System.Console.Out.WriteLine(result.ToJsonString(Compact));
    }
}
