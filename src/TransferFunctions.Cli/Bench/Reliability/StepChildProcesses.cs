using System.Text;

namespace TransferFunctions.Cli.Bench.Reliability;

/// <summary>Finds the <c>transfer step NAME … --store ROOT</c> child processes of a store by their command lines (<c>/proc/*/cmdline</c>).</summary>
public static class StepChildProcesses
{
    /// <summary>Ids of the live processes running step <paramref name="step"/> over <paramref name="storeRoot"/>.</summary>
    public static IReadOnlyList<int> Find(string step, string storeRoot)
    {
        var found = new List<int>();
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

            var at = Array.IndexOf(args, "step");
            if (at >= 0 && at + 1 < args.Length && args[at + 1] == step && args.Contains(storeRoot)) found.Add(pid);
        }

        return found;
    }
}
