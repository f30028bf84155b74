namespace TransferFunctions.Pipeline.Promotion;

/// <summary>One named rule's outcome with the numbers it was judged on.</summary>
public sealed record RuleVerdict(string Rule, bool Passed, string Detail, IReadOnlyDictionary<string, double> Numbers);
