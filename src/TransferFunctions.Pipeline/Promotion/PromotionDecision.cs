namespace TransferFunctions.Pipeline.Promotion;

/// <summary>Promote or reject, why (every rule's verdict), and whether transfer hurt (candidate not better than scratch).</summary>
public sealed record PromotionDecision(bool Promote, IReadOnlyList<RuleVerdict> Verdicts, string Summary, bool NegativeTransfer)
{
    public IEnumerable<RuleVerdict> Failed => Verdicts.Where(v => !v.Passed);
}
