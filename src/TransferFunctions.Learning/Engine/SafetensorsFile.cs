using static TorchSharp.torch;

namespace TransferFunctions.Learning.Engine;

/// <summary>Tensors and string metadata read from a safetensors file; disposing it disposes the tensors.</summary>
public sealed class SafetensorsFile : IDisposable
{
    public SafetensorsFile(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public Tensor this[string name] => Tensors.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"no tensor named '{name}' (present: {string.Join(", ", Tensors.Keys.Take(20))})");

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
