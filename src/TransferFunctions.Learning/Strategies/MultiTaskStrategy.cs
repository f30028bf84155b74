using TorchSharp.Modules;
using TransferFunctions.Learning.Training;
using TransferFunctions.Learning.Engine;
using System.Globalization;
using TransferFunctions.Learning.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Strategies;

/// <summary>
/// <c>multi-task</c>: one shared backbone, the primary head <c>fc</c> and one head per extra label column
/// (<c>heads.{column}</c>), trained on a weighted sum of their cross-entropies (missing labels, -1, are skipped) with the
/// fine-tune recipe. The report carries validation accuracy per task.
/// </summary>
public sealed class MultiTaskStrategy(MultiTaskOptions? options = null) : IAdaptationStrategy
{
    public const string StrategyName = "multi-task";

    public string Name => StrategyName;
    public MultiTaskOptions Options { get; } = options ?? MultiTaskOptions.Default;

    public AdaptationOutcome Adapt(AdaptationContext context, CancellationToken cancellationToken = default)
    {
        var data = context.Data;
        if (data.ExtraLabelColumns.Count == 0)
            throw new ArgumentException("multi-task needs at least one extra label column besides the primary label (TargetData.ExtraLabelColumns is empty)");
        var run = new StrategyRun(Name, context);
        var columns = data.ExtraLabelColumns;
        var model = AdaptedModel.FromBase(context.Base, data.ClassCount, keepSourceHead: true, columns.ToDictionary(c => c.Name, c => c.Labels.Count), device: context.Device);
        using var scope = NewDisposeScope();
        try
        {
            // Targets [N, 1 + T]: column 0 the primary label, then one column per task.
            var targets = stack(new[] { data.TrainLabels }.Concat(columns.Select(c => c.Train)).ToList(), 1).DetachFromDisposeScope();
            using var _ = targets;
            var fo = Options.FineTune;
            var weights = new[] { Options.WeightOf(MultiTaskOptions.PrimaryTask) }.Concat(columns.Select(c => Options.WeightOf(c.Name))).ToArray();
            var heads = new[] { model.Head }.Concat(columns.Select(c => (nn.Module<Tensor, Tensor>)model.ExtraHeads![c.Name])).ToArray();
            Tensor JointLoss(Tensor features, Tensor y)
            {
                Tensor? total = null;
                for (var t = 0; t < heads.Length; t++)
                {
                    var term = FineTuneRecipe.MaskedCrossEntropy(heads[t].forward(features), y.select(1, t), fo.LabelSmoothing).mul(weights[t]);
                    total = total is null ? term : total.add(term);
                }
                return total!;
            }
            var recipe = new FineTuneRecipe(context, fo, model, targets, JointLoss, ["fc", .. columns.Select(c => $"heads.{c.Name}")]);
            if (fo.HeadWarmupSteps > 0) recipe.WarmUpHeads(run.FrozenFeatures(cancellationToken), cancellationToken);
            recipe.FineTune(context.Budget.Steps, cancellationToken);
            run.Phases.AddRange(recipe.Phases);
            run.Notes.AddRange(recipe.Notes);
            run.Notes.Add($"Joint loss over {heads.Length} tasks with weights {string.Join(", ", new[] { MultiTaskOptions.PrimaryTask }.Concat(columns.Select(c => c.Name)).Zip(weights, (n, w) => $"{n}={w:G3}"))}; early stopping follows the primary task.");
            foreach (var (k, v) in FineTuneRecipe.Describe(fo)) run.Hyperparameters[k] = v;
            run.Hyperparameters["tasks"] = string.Join(",", new[] { MultiTaskOptions.PrimaryTask }.Concat(columns.Select(c => c.Name)));
            run.Hyperparameters["task_weights"] = string.Join(",", weights.Select(w => w.ToString("R", CultureInfo.InvariantCulture)));

            if (data.HasValidation)
            {
                run.TaskAccuracy[MultiTaskOptions.PrimaryTask] = ModelEvaluator.Accuracy(model, data.ValidationInputs!, data.ValidationLabels!);
                foreach (var c in columns.Where(c => c.Validation is not null))
                    run.TaskAccuracy[c.Name] = MaskedAccuracy(ModelEvaluator.Predict(model, data.ValidationInputs!, c.Name).Labels, c.Validation!.data<long>().ToArray());
                run.Notes.Add("Validation accuracy per task: " + string.Join(", ", run.TaskAccuracy.Select(kv => $"{kv.Key} {kv.Value:P1}")) + ".");
            }
            return run.Finish(model, columns.ToDictionary(c => c.Name, c => c.Labels));
        }
        catch
        {
            model.Dispose();
            run.Features?.Dispose();
            throw;
        }
    }

    /// <summary>Accuracy over the examples that have a label (≠ -1).</summary>
    public static double MaskedAccuracy(int[] predicted, long[] truth)
    {
        int labeled = 0, correct = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            if (truth[i] < 0) continue;
            labeled++;
            if (predicted[i] == truth[i]) correct++;
        }
        return labeled == 0 ? double.NaN : correct / (double)labeled;
    }
}
