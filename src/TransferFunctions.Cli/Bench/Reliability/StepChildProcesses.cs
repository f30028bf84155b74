using System.Globalization;
using System.Text;

namespace TransferFunctions.Cli.Bench.Reliability;

/// <summary>Finds the <c>transfer step NAME … --store ROOT</c> child processes of a store or a host by their command lines (<c>/proc/*/cmdline</c>).</summary>
public static class StepChildProcesses
{
    /// <summary>A live step process: its id, step, nice value and resident memory (VmRSS, MiB).</summary>
    public sealed record StepProcess(int ProcessId, string Step, int Nice, double ResidentMb);

    /// <summary>Ids of the live processes running step <paramref name="step"/> over <paramref name="storeRoot"/>.</summary>
    public static IReadOnlyList<int> Find(string step, string storeRoot)
    {
        var found = new List<int>();
        foreach (var (pid, args) in Processes())
        {
            if (StepOf(args) == step && args.Contains(storeRoot)) found.Add(pid);
        }

        return found;
    }

    /// <summary>
    /// The step processes whose parent is <paramref name="parentId"/> (a <c>transfer serve</c>), once they run the step: one
    /// still inside <c>nice</c>, before it execs the step, is not listed (its priority is not lowered yet).
    /// </summary>
    public static IReadOnlyList<StepProcess> ChildrenOf(int parentId)
    {
        var found = new List<StepProcess>();
        foreach (var (pid, args) in Processes())
        {
            if (StepOf(args) is not { } step || Path.GetFileName(args[0]) == "nice") continue;
            try
            {
                // Fields after the command's closing parenthesis: state is field 3, ppid 4, nice 19 (proc(5)).
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[4 - 3], CultureInfo.InvariantCulture) != parentId) continue;
                var rss = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) is { } line
                    ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0
                    : 0;
                found.Add(new StepProcess(pid, step, int.Parse(fields[19 - 3], CultureInfo.InvariantCulture), rss));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // exited meanwhile
            }
        }

        return found;
    }

    private static string? StepOf(string[] args)
    {
        var at = Array.IndexOf(args, "step");
        return at >= 0 && at + 1 < args.Length && args.Contains("--input") ? args[at + 1] : null;
    }

    private static IEnumerable<(int Pid, string[] Args)> Processes()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string[] args;
            try
            {
                args = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline"))).Split('\0');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // exited meanwhile, or not ours to read
            }

            yield return (pid, args);
        }
    }
}
