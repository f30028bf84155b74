namespace TransferFunctions.Pipeline.Promotion;

/// <summary>Promote or reject, why (every rule's verdict), and whether transfer hurt (candidate not better than scratch).</summary>
/// <remarks><see cref="Reported"/>: measured and shown beside the rules, never gated on (e.g. significance against scratch).</remarks>
public sealed record PromotionDecision(bool Promote, IReadOnlyList<RuleVerdict> Verdicts, string Summary, bool NegativeTransfer, IReadOnlyList<RuleVerdict>? Reported = null)
{
    public IEnumerable<RuleVerdict> Failed => Verdicts.Where(v => !v.Passed);
}
