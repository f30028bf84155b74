using TransferFunctions.Learning.Training;

namespace TransferFunctions.Cli.Console;

/// <summary>
/// Renders training progress on stderr: a redrawn bar on a terminal, a line every 10% otherwise (CI
/// logs), so stdout stays reserved for results and its last line for the JSON summary.
/// </summary>
public sealed class ConsoleProgress : ITrainingCallback
{
    private readonly TextWriter _out;
    private readonly bool _interactive;
    private long _lastTicks;
    private int _lastDecile = -1;

    public ConsoleProgress(TextWriter? output = null)
    {
        _out = output ?? System.Console.Error;
        _interactive = output is null && !System.Console.IsErrorRedirected;
    }

    public void OnStep(TrainingProgress p)
    {
        if (_interactive)
        {
            var now = Environment.TickCount64;
            if (now - _lastTicks < 100 && p.GlobalStep < p.TotalSteps) return;
            _lastTicks = now;
            _out.Write("\r" + Format(p) + "   ");
            if (p.GlobalStep >= p.TotalSteps) _out.WriteLine();
            return;
        }
        var decile = (int)(p.Fraction * 10);
        if (decile == _lastDecile) return;
        _lastDecile = decile;
        _out.WriteLine(Format(p));
    }

    public string? OnEpochEnd(EpochResult r, TrainingLoop loop)
    {
        if (_interactive) _out.Write("\r");
        var val = r.ValidationAccuracy is { } a ? $"  val loss {r.ValidationLoss:F4}  val acc {a:P2}" : "";
        _out.WriteLine($"  epoch {r.Epoch}: train loss {r.TrainLoss:F4}{val}  ({r.Duration.TotalSeconds:F1}s)".PadRight(80));
        return null;
    }

    public static string Format(TrainingProgress p)
    {
        const int width = 24;
        var filled = (int)Math.Round(p.Fraction * width);
        var bar = new string('█', filled) + new string('░', width - filled);
        var eta = p.Remaining is { } r ? $"ETA {Clock(r)}" : "";
        return $"{p.Phase} {bar} {p.Fraction,4:P0} epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F4} {Clock(p.Elapsed)} {eta}";
    }

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}
