using System.Text.Json;
using TransferFunctions.Learning.Strategies;
using TorchSharp;
using static TorchSharp.torch;
using TransferFunctions.Learning.Engine;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// The prepared dataset as tensors: model-ready inputs and int64 labels per split, plus the labels of each extra
/// (multi-task) column, -1 where an example has no value.
/// </summary>
public sealed class PreparedTensors : IDisposable
{
    public static readonly string[] Splits = { "train", "validation", "test" };

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoColumns = new Dictionary<string, IReadOnlyList<string>>();

    public PreparedTensors(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyList<string> labels, IReadOnlyDictionary<string, IReadOnlyList<string>>? columns = null)
    {
        Tensors = tensors;
        Labels = labels;
        Columns = columns ?? NoColumns;
    }

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Vocabulary of each extra label column, by column name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Columns { get; }

    public static string InputsKey(string split) => $"{split}_x";

    /// <summary>Key of the unlabeled target-domain inputs, present only when the batches carried some.</summary>
    public const string UnlabeledKey = "unlabeled_x";

    public Tensor? Unlabeled => Tensors.GetValueOrDefault(UnlabeledKey);

    /// <summary>
    /// Key of the test inputs decoded at the champion's input spec, present only when it differs from the run's base
    /// (the run's base was chosen among candidates, or the project changed its base), so the champion is scored exactly.
    /// </summary>
    public const string ChampionTestKey = "champion_test_x";

    /// <summary>The test inputs the champion takes: its own decoding when its input spec differs from the run's.</summary>
    public Tensor ChampionTestInputs => Tensors.GetValueOrDefault(ChampionTestKey) ?? Inputs("test");

    /// <summary>The key of a split's primary labels, or of an extra column's labels.</summary>
    public static string TargetsKey(string split, string? column = null) => column is null ? $"{split}_y" : $"{split}_y.{column}";

    public Tensor Inputs(string split) => Tensors[InputsKey(split)];
    public Tensor Targets(string split, string? column = null) => Tensors[TargetsKey(split, column)];

    /// <summary>The extra columns as multi-task strategies take them (validation labels only when the split has examples).</summary>
    public IReadOnlyList<LabelColumn> LabelColumns() => Columns.OrderBy(kv => kv.Key, StringComparer.Ordinal)
        .Select(kv => new LabelColumn(kv.Key, kv.Value, Targets("train", kv.Key), Inputs("validation").size(0) > 0 ? Targets("validation", kv.Key) : null))
        .ToList();

    public byte[] Serialize() =>
        Safetensors.Serialize(Tensors, new Dictionary<string, string>
        {
            ["labels"] = JsonSerializer.Serialize(Labels),
            ["columns"] = JsonSerializer.Serialize(Columns),
        });

    public static PreparedTensors Deserialize(byte[] bytes, string source)
    {
        var file = Safetensors.Deserialize(bytes, source);
        var labels = JsonSerializer.Deserialize<List<string>>(file.Metadata["labels"]) ?? new List<string>();
        // Files written before extra columns were kept have no "columns" entry.
        var columns = file.Metadata.TryGetValue("columns", out var json)
            ? JsonSerializer.Deserialize<Dictionary<string, List<string>>>(json)!.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value)
            : null;
        return new PreparedTensors(file.Tensors, labels, columns);
    }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
