namespace TransferFunctions.Functions.Projects;

/// <summary>A run asking for, or giving back, its project's turn.</summary>
public sealed record ProjectTurnRequest(string Project, string RunId);
