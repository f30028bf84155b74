namespace TransferFunctions.Pipeline.Promotion;

/// <summary>
/// Everything the decision looks at, all measured on the same test examples: the candidate, the
/// champion (absent for a project's first model), the from-scratch baseline, the base model's linear
/// probe (the reference for a first model), and source-task accuracy before/after when measurable.
/// <see cref="SourceDataNamed"/>: the base model's manifest names its source data and it has source classes, so retention is expected to be measurable.
/// </summary>
public sealed record EvaluationEvidence(
    ModelEvaluation Candidate,
    ModelEvaluation? Champion,
    ModelEvaluation Scratch,
    ModelEvaluation? LinearProbe,
    double? SourceAccuracyBefore,
    double? SourceAccuracyAfter,
    bool SourceDataNamed = false);
