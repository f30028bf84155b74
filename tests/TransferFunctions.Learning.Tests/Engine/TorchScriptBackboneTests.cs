using System.Text.Json;
using TorchSharp;
using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Models;
using TransferFunctions.Learning.Tests.Data;
using TransferFunctions.Learning.Training;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Tests.Engine;

/// <summary>A model traced by Debian's python3-torch is a base model: loaded, fine-tuned from C# as a backbone, saved.</summary>
[Collection(EngineCollection.Name)]
public sealed class TorchScriptBackboneTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly JsonElement _expected;

    public TorchScriptBackboneTests()
    {
        PythonRunner.RunArguments([Path.Combine(RepoRoot.Path, "tests", "TransferFunctions.Learning.Tests", "fixtures", "make_torchscript.py"), _dir.Path]);
        _expected = JsonDocument.Parse(File.ReadAllText(_dir.File("expected.json"))).RootElement.Clone();
    }

    public void Dispose() => _dir.Dispose();

    private Tensor Input() => tensor(_expected.GetProperty("input").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(),
        _expected.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());

    private float[] Expected(string name) => _expected.GetProperty(name).EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    [Fact]
    public void The_feature_layer_named_in_the_card_gives_pytorchs_features()
    {
        var card = new ModelCard
        {
            Name = "traced-small", Architecture = "torchscript", Input = new InputSpec(1, 8, 8, [0.0], [1.0]), Labels = ["a", "b", "c", "d", "e"],
            License = "MIT", Provenance = "traced by make_torchscript.py", CreatedAt = DateTimeOffset.UnixEpoch, CodeVersion = "test", FeatureLayer = "features",
        };
        using var backbone = TorchScriptBackbone.Load(_dir.Path, card);
        backbone.eval();
        using var x = Input();
        using (no_grad())
        {
            using var features = backbone.forward(x);
            Assert.Equal([3L, 16], features.shape);
            var actual = features.data<float>().ToArray();
            var expected = Expected("features");
            for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(actual[i] - expected[i]) < 1e-5, $"feature {i}: {actual[i]} vs {expected[i]}");
        }
        Assert.Equal(_expected.GetProperty("parameters").EnumerateArray().Select(e => "model." + e.GetString()), backbone.named_parameters().Select(p => p.name));
        Assert.Contains("no child module 'encoder'", Assert.Throws<ArgumentException>(() => TorchScriptBackbone.Load(_dir.File("model.pt"), "encoder")).Message);
        File.WriteAllText(_dir.File("broken.pt"), "not a zip");
        Assert.Contains("not a loadable TorchScript model", Assert.Throws<InvalidDataException>(() => TorchScriptBackbone.Load(_dir.File("broken.pt"), featureLayer: null)).Message);
    }

    [Fact]
    public void Fine_tuning_it_as_a_backbone_trains_its_own_weights_and_saves_back_to_torchscript()
    {
        manual_seed(21);
        using var backbone = TorchScriptBackbone.Load(_dir.File("model.pt"), "features");
        using var model = new BackboneClassifier(backbone, 16, 2);
        var before = backbone.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
        // Two classes the pretrained features do not separate yet: brightness of the upper half.
        using var y = tensor(Enumerable.Range(0, 48).Select(i => (long)(i % 2)).ToArray());
        using var x = randn(48, 1, 8, 8).DetachFromDisposeScope();
        using (no_grad()) x.slice(2, 0, 4, 1).add_(y.to(ScalarType.Float32).mul(1.5).view(48, 1, 1, 1));
        using var optimizer = ParameterGroups.AdamW([ParameterGroups.Group(model.parameters(), 1e-2, 0)]);
        var loop = new TrainingLoop(model, optimizer, new TrainingOptions { Epochs = 8 });
        var history = loop.Fit(new TensorBatchSource(x, y, 16, shuffle: true, seed: 3));
        Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss * 0.8, $"loss {history.Epochs[0].TrainLoss:F3} -> {history.Epochs[^1].TrainLoss:F3}");
        // The feature layer trained; the script model's own classifier fc is not part of the backbone's forward.
        foreach (var (name, p) in backbone.named_parameters())
            Assert.Equal(name.StartsWith("model.features.", StringComparison.Ordinal), !p.allclose(before[name], 0, 1e-7));

        model.eval();
        var path = _dir.File("fine-tuned.pt");
        backbone.Save(path);
        using var reloaded = TorchScriptBackbone.Load(path, "features");
        reloaded.eval();
        using (no_grad())
        {
            using var mine = backbone.forward(x);
            using var theirs = reloaded.forward(x);
            Assert.True(mine.allclose(theirs, 0, 1e-6), "the saved TorchScript holds the fine-tuned weights");
        }
        // PyTorch loads what we saved and computes the same features.
        var code = $$"""
            import json, torch
            m = torch.jit.load({{JsonSerializer.Serialize(path)}}); m.eval()
            torch.manual_seed(0)
            print(json.dumps([float(m.fc.weight.abs().sum()), len(list(m.parameters()))]))
            """;
        var pytorch = JsonDocument.Parse(PythonRunner.Run(code)).RootElement;
        Assert.Equal(6, pytorch[1].GetInt32());
        foreach (var t in before.Values) t.Dispose();
    }
}
