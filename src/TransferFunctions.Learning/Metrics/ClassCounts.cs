namespace TransferFunctions.Learning.Metrics;

/// <summary>
/// Per-class true-positive, support and predicted counts: the one place F1 arithmetic lives, shared by the
/// full report and by the bootstrap, which recomputes it for every resample.
/// </summary>
internal sealed class ClassCounts
{
    private readonly int[] _truePositives;
    private readonly int[] _support;
    private readonly int[] _predicted;

    public ClassCounts(int classCount)
    {
        _truePositives = new int[classCount];
        _support = new int[classCount];
        _predicted = new int[classCount];
    }

    public int ClassCount => _support.Length;

    public void Reset()
    {
        Array.Clear(_truePositives);
        Array.Clear(_support);
        Array.Clear(_predicted);
    }

    public void Add(int trueLabel, int predictedLabel)
    {
        _support[trueLabel]++;
        _predicted[predictedLabel]++;
        if (trueLabel == predictedLabel)
        {
            _truePositives[trueLabel]++;
        }
    }

    public int Support(int c) => _support[c];

    public double Precision(int c) => _predicted[c] == 0 ? 0.0 : (double)_truePositives[c] / _predicted[c];

    public double Recall(int c) => _support[c] == 0 ? 0.0 : (double)_truePositives[c] / _support[c];

    // 2PR/(P+R) simplifies to 2TP/(support + predicted), which is 0 rather than 0/0 when TP = 0.
    public double F1(int c)
    {
        int denominator = _support[c] + _predicted[c];
        return denominator == 0 ? 0.0 : 2.0 * _truePositives[c] / denominator;
    }

    public double MacroF1()
    {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < _support.Length; c++)
        {
            if (_support[c] + _predicted[c] > 0)
            {
                sum += F1(c);
                present++;
            }
        }

        return present == 0 ? 0.0 : sum / present;
    }
}
