using System.Text.Json;
using TransferFunctions.Torch;
using TransferFunctions.Torch.Serialization;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>The prepared dataset as tensors: model-ready inputs and int64 labels per split.</summary>
public sealed class PreparedTensors : IDisposable
{
    public static readonly string[] Splits = { "train", "validation", "test" };

    public PreparedTensors(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyList<string> labels)
    {
        Tensors = tensors;
        Labels = labels;
    }

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }
    public IReadOnlyList<string> Labels { get; }

    public Tensor Inputs(string split) => Tensors[$"{split}_x"];
    public Tensor Targets(string split) => Tensors[$"{split}_y"];

    public byte[] Serialize() =>
        Safetensors.Serialize(Tensors, new Dictionary<string, string> { ["labels"] = JsonSerializer.Serialize(Labels) });

    public static PreparedTensors Deserialize(byte[] bytes, string source)
    {
        var file = Safetensors.Deserialize(bytes, source);
        var labels = JsonSerializer.Deserialize<List<string>>(file.Metadata["labels"]) ?? new List<string>();
        return new PreparedTensors(file.Tensors, labels);
    }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
