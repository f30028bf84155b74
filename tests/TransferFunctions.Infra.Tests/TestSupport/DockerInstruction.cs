namespace TransferFunctions.Infra.Tests.TestSupport;

/// <summary>One instruction: its keyword (upper case) and its arguments as written.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);
