namespace TransferFunctions.Pipeline.Steps;

/// <summary>The candidate's headline numbers on the test split, as the promote step records them in the card.</summary>
public sealed record TestScore(double Accuracy, double MacroF1, int Examples, double? ExpectedCalibrationError);
