using System.Text.Json;
using TransferFunctions.Torch.Tests.Support;

namespace TransferFunctions.Torch.Tests.Jit;

/// <summary>Runs fixtures/make_torchscript.py with Debian's PyTorch once per test class, into a temp dir.</summary>
public sealed class TorchScriptFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TorchScriptFixture()
    {
        Python.Run(new[] { RepoPaths.Fixture("make_torchscript.py"), _dir.Path });
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File("expected.json")));
        var root = json.RootElement;
        InputShape = Longs(root.GetProperty("input_shape"));
        Input = Floats(root.GetProperty("input"));
        OutputShape = Longs(root.GetProperty("output_shape"));
        Output = Floats(root.GetProperty("output"));
        ParameterNames = root.GetProperty("parameters").EnumerateArray().Select(e => e.GetString()!).ToArray();
        BufferNames = root.GetProperty("buffers").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public string ModelPath => _dir.File("model.pt");
    public string Directory => _dir.Path;
    public long[] InputShape { get; }
    public float[] Input { get; }
    public long[] OutputShape { get; }
    public float[] Output { get; }
    public string[] ParameterNames { get; }
    public string[] BufferNames { get; }

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();

    public void Dispose() => _dir.Dispose();
}
