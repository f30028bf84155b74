namespace TransferFunctions.Learning.Training;

/// <summary>
/// Turns a data source into "rounds" of a fixed number of steps, continuing through the inner source's epochs as
/// needed. Budgets are then counted in optimizer steps rather than passes over the data: five labeled images and
/// fifty thousand get the same number of updates, and validation (one per round) costs the same for both.
/// </summary>
public sealed class StepBudgetBatchSource : IBatchSource, IDisposable
{
    private readonly IBatchSource _inner;
    private int _innerEpoch;
    private IEnumerator<Batch>? _current;

    public StepBudgetBatchSource(IBatchSource inner, int stepsPerRound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerRound, 1);
        if (inner.BatchesPerEpoch == 0) throw new ArgumentException($"the training data yields no batch ({inner.Count} examples, batch size {inner.BatchSize})", nameof(inner));
        _inner = inner;
        StepsPerRound = stepsPerRound;
    }

    public int StepsPerRound { get; }

    public long Count => (long)StepsPerRound * BatchSize;

    public int BatchSize => _inner.BatchSize;

    /// <summary>The next <see cref="StepsPerRound"/> batches; the round number is ignored (the inner epochs advance on their own).</summary>
    public IEnumerable<Batch> Batches(int epoch, CancellationToken cancellationToken = default)
    {
        for (var step = 0; step < StepsPerRound; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (_current is null || !_current.MoveNext())
            {
                _current?.Dispose();
                _current = _inner.Batches(++_innerEpoch, cancellationToken).GetEnumerator();
            }
            yield return _current.Current;
        }
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }
}
