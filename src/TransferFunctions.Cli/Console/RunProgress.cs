using TransferFunctions.Cli.Commands;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Cli.Console;

/// <summary>Prints a run as it advances: one line per finished step, then the decision and its reasons.</summary>
public sealed class RunProgress(TextWriter output)
{
    private int _printed;

    /// <summary>Prints the steps that finished since the last call.</summary>
    public void Update(RunRecord run)
    {
        for (; _printed < run.Steps.Count && run.Steps[_printed].CompletedAt is not null; _printed++)
        {
            var s = run.Steps[_printed];
            output.WriteLine($"   {(s.Succeeded == true ? "✓" : "✗")} {s.Name,-18} {s.Duration?.TotalSeconds,6:F1}s");
        }
    }

    /// <summary>Prints the outcome, the decision summary and every rule's verdict; returns the summary.</summary>
    public RunsCommand.RunSummary Finish(RunRecord run)
    {
        Update(run);
        var summary = RunsCommand.Summary(run);
        output.WriteLine($"   ⇒ {summary.Outcome.ToUpperInvariant()}: {summary.Summary ?? run.Failure?.Message ?? summary.Outcome}");
        foreach (var reason in summary.Reasons) output.WriteLine($"      {reason}");
        return summary;
    }
}
