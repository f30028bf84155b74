using TransferFunctions.Learning.Analysis;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>How a run chose its base among the project's candidates, in the words the report and the model card use.</summary>
public static class BaseChoice
{
    /// <summary><c>imagenet-resnet18, by LogME on 120 training examples: imagenet-resnet18 -0.2735 &gt; fashion-compact -0.2943</c>.</summary>
    public static string Describe(IReadOnlyList<BaseCandidateScore> ranking) =>
        $"{ranking[0].Reference}, by LogME on {ranking[0].Examples} training examples: {BaseRanking.Describe(ranking)}";
}
