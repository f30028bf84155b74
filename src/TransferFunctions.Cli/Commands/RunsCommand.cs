using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Commands;

/// <summary>`transfer runs list|show`.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var list = new Command("list", "List runs, newest first.") { store, json };
        list.SetAction(async (parse, ct) =>
        {
            await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(store), ct);
            var runs = new List<RunRecord>();
            await foreach (var r in pipeline.Service.ListRunsAsync(ct)) runs.Add(r);
            runs.Sort((a, b) => b.CreatedAt.CompareTo(a.CreatedAt));
            if (parse.GetValue(json))
            {
                JsonOutput.WriteLastLine(JsonSerializer.SerializeToNode(runs.Select(Summary).ToList(), StoreJson.Options)!);
                return 0;
            }
            System.Console.Out.Write(Table(runs));
            return 0;
        });

        var id = new Argument<string>("run") { Description = "run id" };
        var show = new Command("show", "Show one run: status, steps with timings, decision.") { id, store, json };
        show.SetAction(async (parse, ct) =>
        {
            await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(store), ct);
            var run = await pipeline.Service.GetRunAsync(parse.GetValue(id)!, ct);
            if (run is null)
            {
                System.Console.Error.WriteLine($"no run '{parse.GetValue(id)}' in {pipeline.StoreRoot}");
                return 2;
            }
            if (parse.GetValue(json))
            {
                JsonOutput.WriteLastLine(JsonSerializer.SerializeToNode(run, StoreJson.Options)!);
                return 0;
            }
            var s = Summary(run);
            System.Console.Out.WriteLine($"run {run.InstanceId}: {run.Status} {s.Outcome}");
            foreach (var step in run.Steps)
                System.Console.Out.WriteLine($"  {step.Sequence,3} {step.Name,-18} {(step.Succeeded is null ? "running" : step.Succeeded == true ? "ok" : "failed"),-8} {step.Duration?.TotalSeconds:F1}s");
            if (s.Summary is not null) System.Console.Out.WriteLine($"decision: {s.Summary}");
            var structured = run.Output is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("dataIssues", out var d) && d.ValueKind == JsonValueKind.Array && d.GetArrayLength() > 0;
            // A run stopped by its data lists the structured issues instead of their flattened text.
            if (!(structured && s.Outcome == "invalid-data"))
                foreach (var reason in s.Reasons) System.Console.Out.WriteLine($"  - {reason}");
            if (run.Output is { ValueKind: JsonValueKind.Object } output && output.TryGetProperty("dataIssues", out var issues) && issues.ValueKind == JsonValueKind.Array)
                foreach (var issue in issues.EnumerateArray())
                    System.Console.Out.WriteLine($"  data [{issue.GetProperty("code").GetString()}] {(issue.GetProperty("file").GetString() is { } file ? file + ": " : "")}{issue.GetProperty("detail").GetString()}");
            if (run.Failure is { } f) System.Console.Out.WriteLine($"failure: {f.Message}");
            if (s.Report is not null) System.Console.Out.WriteLine($"report: {Path.Combine(pipeline.StoreRoot, s.Report)}");
            return 0;
        });
        return new Command("runs", "Inspect adaptation runs.") { list, show };
    }

    /// <summary>The runs as a table whose columns are as wide as their widest cell, so real run ids keep it aligned.</summary>
    public static string Table(IReadOnlyList<RunRecord> runs)
    {
        var rows = new List<string[]> { new[] { "RUN", "STATUS", "OUTCOME", "CREATED", "STEP" } };
        rows.AddRange(runs.Select(r =>
        {
            var s = Summary(r);
            return new[] { r.InstanceId, r.Status.ToString(), s.Outcome, r.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), s.Step };
        }));
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        return text.ToString();
    }

    /// <summary>The parts of a run a person scans for: outcome, current step, decision and reasons.</summary>
    public sealed record RunSummary(string Id, string Status, string Outcome, string Step, string? Summary, IReadOnlyList<string> Reasons, string? Report, int? Version);

    public static RunSummary Summary(RunRecord r)
    {
        string outcome = "", step = "";
        string? summary = null, report = null;
        int? version = null;
        var reasons = new List<string>();
        if (r.CustomStatus is { ValueKind: JsonValueKind.Object } cs && cs.TryGetProperty("step", out var st)) step = st.ToString();
        if (r.Output is { ValueKind: JsonValueKind.Object } o)
        {
            if (o.TryGetProperty("outcome", out var oc)) outcome = oc.GetString() ?? "";
            if (o.TryGetProperty("decision", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("summary", out var sm)) summary = sm.GetString();
            if (o.TryGetProperty("report", out var rp) && rp.ValueKind == JsonValueKind.String) report = rp.GetString();
            if (o.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number) version = v.GetInt32();
            if (o.TryGetProperty("reasons", out var rs) && rs.ValueKind == JsonValueKind.Array) reasons.AddRange(rs.EnumerateArray().Select(x => x.GetString() ?? ""));
        }
        if (r.Status == RunStatus.Failed) outcome = "failed";
        return new RunSummary(r.InstanceId, r.Status.ToString(), outcome, step, summary, reasons, report, version);
    }
}
