using System.Globalization;

namespace TransferFunctions.Cli.Hosting;

/// <summary>
/// Ends a <c>transfer step</c> process whose host died. A host killed with SIGKILL cannot stop its step processes; left
/// running, one would go on training for a run that the restarted host is already executing again (the step has no output
/// document yet, so the new host starts it anew). The host names itself in <see cref="ParentVariable"/>; the step checks
/// twice a second that it is still its parent (an orphan is given to another process, so its parent id changes).
/// </summary>
public static class StepHostWatch
{
    /// <summary>The environment variable a host sets to its process id for the step processes it starts.</summary>
    public const string ParentVariable = TransferFunctions.Pipeline.Steps.ChildProcessStepExecutor.HostProcessVariable;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Starts watching when this process was started by a host that asked for it (Linux, where /proc tells the parent).</summary>
    public static void StartIfAsked(TextWriter error)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(ParentVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var host) || ParentId() is not { } parent)
            return;
        // Started through nice(1), which execs the step: the host is still the parent. Any other parent means it died already.
        if (parent != host) Stop(error, host);
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(Interval);
                if (ParentId() is { } now && now != host) Stop(error, host);
            }
        })
        { IsBackground = true, Name = "step host watch" };
        thread.Start();
    }

    private static void Stop(TextWriter error, int host)
    {
        error.WriteLine($"error: the host that started this step (pid {host.ToString(CultureInfo.InvariantCulture)}) is gone; stopping (it runs the step again when it restarts)");
        error.Flush();
        // As if it had died with its host: no shutdown to wait for (a training step may be deep in native code), and a
        // temporary file it leaves is swept like the host's own when the host starts again.
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        self.Kill();
    }

    /// <summary>This process's parent id from <c>/proc/self/stat</c> (field 4), or null where there is none.</summary>
    private static int? ParentId()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
