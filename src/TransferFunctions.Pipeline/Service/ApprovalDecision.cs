namespace TransferFunctions.Pipeline.Service;

/// <summary>The payload of the approve/reject event a waiting run receives.</summary>
public sealed record ApprovalDecision(bool Approved, string? By, string? Reason);
