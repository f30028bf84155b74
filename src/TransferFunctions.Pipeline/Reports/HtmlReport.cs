using System.Globalization;
using System.Net;
using System.Text;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Promotion;
using TransferFunctions.Pipeline.Reports.Svg;

namespace TransferFunctions.Pipeline.Reports;

/// <summary>Renders a <see cref="RunReport"/> as one self-contained HTML page with inline SVG plots.</summary>
public static class HtmlReport
{
    public static string Render(RunReport r)
    {
        var h = new StringBuilder();
        h.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Run ").Append(E(r.RunId)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}")
            .Append("table{border-collapse:collapse;max-width:100%}td,th{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}td{overflow-wrap:anywhere}th{white-space:nowrap}.pass{color:#17653a}.fail{color:#b3261e}")
            .Append(".badge{display:inline-block;padding:.2rem .6rem;border-radius:.3rem;color:#fff}.promoted{background:#17653a}.rejected{background:#b3261e}.other{background:#666}")
            .Append(".plots{display:flex;flex-wrap:wrap;gap:1rem}code{background:#f4f4f4;padding:0 .2rem}</style></head><body>");
        var badge = r.Outcome == "promoted" ? "promoted" : r.Outcome.StartsWith("rejected", StringComparison.Ordinal) || r.Outcome == "invalid-data" ? "rejected" : "other";
        h.Append("<h1>Run <code>").Append(E(r.RunId)).Append("</code> — project <code>").Append(E(r.Request.Project)).Append("</code> <span class=\"badge ").Append(badge).Append("\" id=\"outcome\">")
            .Append(E(r.Outcome)).Append("</span></h1>");
        if (r.Decision is { } d) h.Append("<p id=\"summary\">").Append(E(d.Summary)).Append(d.NegativeTransfer ? " — <strong>negative transfer</strong>" : "").Append("</p>");

        Decision(h, r);
        Data(h, r);
        Models(h, r);
        Plots(h, r);
        Lineage(h, r);
        Timings(h, r);
        h.Append("<p><small>Generated ").Append(r.GeneratedAt.ToString("u", CultureInfo.InvariantCulture)).Append(" · <a href=\"report.json\">report.json</a></small></p></body></html>");
        return h.ToString();
    }

    private static void Decision(StringBuilder h, RunReport r)
    {
        h.Append("<h2>Decision</h2>");
        if (r.Decision is null)
        {
            if (r.Data.ErrorDetails is { Count: > 0 } issues)
            {
                // Structured as validation found them: code, the file's store key, what is wrong.
                h.Append("<table id=\"data-issues\"><tr><th>code</th><th>file</th><th>detail</th></tr>");
                foreach (var i in issues.Take(500))
                    h.Append("<tr><td class=\"fail\">").Append(E(i.Code)).Append("</td><td><code>").Append(E(i.File ?? "")).Append("</code></td><td>").Append(E(i.Detail)).Append("</td></tr>");
                h.Append("</table>");
                return;
            }
            h.Append("<ul>");
            foreach (var reason in r.Reasons) h.Append("<li class=\"fail\">").Append(E(reason)).Append("</li>");
            h.Append("</ul>");
            return;
        }
        h.Append("<table><tr><th>rule</th><th>verdict</th><th>detail</th></tr>");
        foreach (var v in r.Decision.Verdicts)
            h.Append("<tr><td>").Append(E(v.Rule)).Append("</td><td class=\"").Append(v.Passed ? "pass\">pass" : "fail\">FAIL").Append("</td><td>").Append(E(v.Detail)).Append("</td></tr>");
        h.Append("</table>");
        if (r.Decision.Reported is { Count: > 0 } reported)
        {
            h.Append("<p>Reported, not gated:</p><ul>");
            foreach (var v in reported) h.Append("<li>").Append(E(v.Rule)).Append(": ").Append(E(v.Detail)).Append("</li>");
            h.Append("</ul>");
        }
        if (r.Promotion is { } p)
            h.Append("<p>").Append(p.Promoted ? $"Registered as version {p.Version} and made champion." : p.ChampionMoved ? $"The champion kept moving (now v{p.CurrentChampion}); not promoted." : "Nothing was registered; the champion is unchanged.").Append("</p>");
    }

    private static void Data(StringBuilder h, RunReport r)
    {
        h.Append("<h2>Data</h2><p>Batches: ").Append(E(string.Join(", ", r.Data.Batches))).Append(" · digest <code>").Append(E(Short(r.Data.Digest))).Append("</code> · classes: ")
            .Append(E(string.Join(", ", r.Data.Labels))).Append("</p><p>");
        foreach (var (split, n) in r.Data.SplitCounts) h.Append(E(split)).Append(": ").Append(n).Append(" &nbsp; ");
        h.Append("</p>");
        if (r.Data.Warnings.Count > 0)
        {
            h.Append("<details><summary>").Append(r.Data.Warnings.Count).Append(" warning(s)</summary><ul>");
            foreach (var w in r.Data.Warnings.Take(200)) h.Append("<li>").Append(E(w)).Append("</li>");
            h.Append("</ul></details>");
        }
        if (r.Features is { } f)
            h.Append("<p>Features: LogME ").Append(F(f.LogMe)).Append(f.LogMeRandomBackbone is { } rnd ? $" (random backbone {F(rnd)})" : "")
                .Append(f.DomainMmd is { } mmd ? $" · source→target MMD² {F(mmd)}" : "").Append(" · cache ").Append(f.CacheHit ? "hit" : "miss").Append("</p>");
    }

    private static void Models(StringBuilder h, RunReport r)
    {
        if (r.Evaluation is not { } ev) return;
        var e = ev.Evidence;
        h.Append("<h2>Evaluation on the same ").Append(e.Candidate.Report.ExampleCount).Append(" test examples</h2><table><tr><th>model</th><th>accuracy</th><th>95% interval</th><th>macro-F1</th><th>ECE</th></tr>");
        foreach (var m in new[] { e.Candidate, e.Champion, e.Scratch, e.LinearProbe }.Where(m => m is not null))
        {
            var ci = m!.AccuracyInterval is { } i ? $"{Pct(i.Lower)} – {Pct(i.Upper)}" : "";
            h.Append("<tr><td>").Append(E(m.Model)).Append("</td><td>").Append(Pct(m.Report.Accuracy)).Append("</td><td>").Append(ci).Append("</td><td>")
                .Append(F(m.Report.MacroF1)).Append("</td><td>").Append(m.Report.ExpectedCalibrationError is { } ece ? F(ece) : "").Append("</td></tr>");
        }
        h.Append("</table>");
        if (e.SourceAccuracyBefore is { } before && e.SourceAccuracyAfter is { } after)
            h.Append("<p>Source-task retention: ").Append(Pct(before)).Append(" → ").Append(Pct(after)).Append("</p>");
    }

    private static void Plots(StringBuilder h, RunReport r)
    {
        h.Append("<h2>Plots</h2><div class=\"plots\">");
        var curves = new[] { r.Candidate, r.Scratch }.Where(m => m is { Curve.Count: > 0 }).ToList();
        if (curves.Count > 0)
        {
            var loss = curves.SelectMany(m => m!.Curve.GroupBy(p => p.Phase).Select(g =>
                ChartSeries.From(SeriesName(m.Role, g.Key), g.Select((_, i) => (double)(i + 1)).ToList(), g.Select(p => p.TrainLoss).ToList()))).ToList();
            h.Append(new LineChart { Title = "Training loss per epoch", XAxisLabel = "epoch", YAxisLabel = "loss", Series = loss }.ToSvg());
            var acc = curves.SelectMany(m => m!.Curve.Where(p => p.ValidationAccuracy is not null).GroupBy(p => p.Phase).Select(g =>
                ChartSeries.From(SeriesName(m.Role, g.Key), g.Select((_, i) => (double)(i + 1)).ToList(), g.Select(p => p.ValidationAccuracy!.Value).ToList()))).ToList();
            if (acc.Count > 0) h.Append(new LineChart { Title = "Validation accuracy per epoch", XAxisLabel = "epoch", YAxisLabel = "accuracy", Series = acc }.ToSvg());
        }
        if (r.Evaluation is { } ev)
        {
            var e = ev.Evidence;
            h.Append(new ConfusionMatrixChart(e.Candidate.Report.Labels, e.Candidate.Report.ConfusionMatrix) { Title = "Candidate confusion matrix" }.ToSvg());
            if (e.Champion is { } champ) h.Append(new ConfusionMatrixChart(champ.Report.Labels, champ.Report.ConfusionMatrix) { Title = $"Champion ({champ.Model}) confusion matrix" }.ToSvg());
            var reference = e.Champion ?? e.Scratch;
            var recall = reference.Report.PerClass.ToDictionary(c => c.ClassName, c => c.Recall);
            var bars = e.Candidate.Report.PerClass.Where(c => recall.ContainsKey(c.ClassName)).Select(c => new BarValue(c.ClassName, c.Recall - recall[c.ClassName])).ToList();
            if (bars.Count > 0)
                h.Append(new BarChart { Title = $"Per-class recall: candidate − {reference.Model}", YAxisLabel = "Δ recall", Bars = bars, ValueFormat = "+0.0%;-0.0%;0%", AxisFormat = "+0%;-0%;0%" }.ToSvg());
        }
        h.Append("</div>");
    }

    /// <summary>A legend entry: the model's role and the training phase, said once when they are the same word ("scratch").</summary>
    internal static string SeriesName(string role, string phase) => string.Equals(role, phase, StringComparison.OrdinalIgnoreCase) ? role : $"{role}: {phase}";

    private static void Lineage(StringBuilder h, RunReport r)
    {
        h.Append("<h2>Lineage</h2><table>");
        Row(h, "base model", r.Data.BaseModel + $" (weights {Short(r.Data.BaseWeightsDigest)})");
        if (r.Data.BaseRanking is { Count: > 0 } ranking) Row(h, "base choice", BaseChoice.Describe(ranking));
        Row(h, "strategy", r.Candidate is { } c ? $"{c.Strategy} {string.Join(", ", c.Hyperparameters.Select(kv => $"{kv.Key}={kv.Value}"))}" : r.Request.Strategy);
        Row(h, "dataset digest", r.Data.Digest);
        Row(h, "requested by", r.Request.RequestedBy ?? "");
        if (r.Candidate is { Notes.Count: > 0 }) Row(h, "notes", string.Join(" · ", r.Candidate.Notes));
        h.Append("</table>");
    }

    private static void Timings(StringBuilder h, RunReport r)
    {
        if (r.Steps.Count == 0) return;
        h.Append("<h2>Time per step</h2><table><tr><th>step</th><th>seconds</th></tr>");
        foreach (var s in r.Steps)
            h.Append("<tr><td>").Append(E(s.Name)).Append("</td><td>").Append(s.Duration is { } d ? d.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "").Append("</td></tr>");
        // This page is the report step's output: its own time is in run.json once it ends.
        h.Append("<tr><td>").Append(StepNames.Report).Append("</td><td>(this step; see run.json)</td></tr>");
        h.Append("</table>");
    }

    private static void Row(StringBuilder h, string key, string value) => h.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
    private static string Pct(double v) => (v * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    // "sha256:" and the first 12 hex digits.
    private static string Short(string digest) => digest.Length > 19 ? digest[..19] + "…" : digest;
}
