using TransferFunctions.Learning.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Training;

/// <summary>
/// Stops when validation accuracy has not improved for <see cref="Patience"/> epochs and, at the end,
/// restores the weights of the best epoch (kept as an in-memory copy of the state dict).
/// </summary>
public sealed class EarlyStopping : ITrainingCallback, IDisposable
{
    private Dictionary<string, Tensor>? _best;

    public EarlyStopping(int patience = 3, double minDelta = 1e-4)
    {
        Patience = patience;
        MinDelta = minDelta;
    }

    public int Patience { get; }
    public double MinDelta { get; }
    public int BestEpoch { get; private set; }
    public double BestAccuracy { get; private set; } = double.NegativeInfinity;

    public string? OnEpochEnd(EpochResult result, TrainingLoop loop)
    {
        if (result.ValidationAccuracy is not { } acc) return null;
        if (acc > BestAccuracy + MinDelta || BestEpoch == 0)
        {
            BestAccuracy = acc;
            BestEpoch = result.Epoch;
            Snapshot(loop);
            return null;
        }
        return result.Epoch - BestEpoch >= Patience
            ? $"early stop: validation accuracy did not improve for {Patience} epochs (best {BestAccuracy:P2} at epoch {BestEpoch})"
            : null;
    }

    public void OnTrainingEnd(TrainingHistory history, TrainingLoop loop)
    {
        if (_best is null || BestEpoch == history.Epochs.Count) return;
        loop.Model.LoadStateDictChecked(_best);
    }

    private void Snapshot(TrainingLoop loop)
    {
        Dispose();
        using var noGrad = no_grad();
        _best = loop.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }

    public void Dispose()
    {
        if (_best is null) return;
        foreach (var t in _best.Values) t.Dispose();
        _best = null;
    }
}
