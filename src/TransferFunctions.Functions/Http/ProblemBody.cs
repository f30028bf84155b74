namespace TransferFunctions.Functions.Http;

/// <summary>An RFC 9457 problem document, with the fields (and type URIs) ASP.NET Core writes for <c>transfer serve</c>.</summary>
public sealed record ProblemBody(string Type, string Title, int Status, string Detail, string Instance);
