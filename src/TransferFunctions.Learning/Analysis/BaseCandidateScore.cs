namespace TransferFunctions.Learning.Analysis;

/// <summary>One candidate base model scored on a target: LogME of its frozen features of the target's training examples.</summary>
/// <param name="Reference">The reference the candidate was named by (e.g. <c>imagenet-resnet18</c>, <c>shoes:v3</c>).</param>
/// <param name="WeightsDigest">The candidate's weights digest, which pins it whatever its name.</param>
/// <param name="FeatureDimension">Width of its features (LogME is per example and per class, so widths compare).</param>
/// <param name="InputSize">The input height and width its features were computed at.</param>
/// <param name="Examples">Training examples scored.</param>
/// <param name="LogMe">The LogME score: higher means its features explain the labels better.</param>
public sealed record BaseCandidateScore(string Reference, string WeightsDigest, int FeatureDimension, int InputSize, int Examples, double LogMe);
