using TransferFunctions.Pipeline.Promotion;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>The evaluate step's result: the evidence on the test split and which champion version it was measured against.</summary>
public sealed record EvaluationReport(EvaluationEvidence Evidence, int? ChampionVersion, double Seconds);
