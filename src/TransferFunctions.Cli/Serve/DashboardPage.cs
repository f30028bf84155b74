namespace TransferFunctions.Cli.Serve;

/// <summary>
/// The dashboard: one self-contained page (no external assets) whose script reads the JSON API
/// every few seconds and renders runs and models. Every value reaches the page through
/// <c>textContent</c> or a checked attribute, never as markup, so stored text cannot inject HTML.
/// </summary>
public static class DashboardPage
{
    /// <summary>Replaced by the per-response CSP nonce that lets only this page's own style and script run.</summary>
    public const string NoncePlaceholder = "{{nonce}}";

    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TransferFunctions — runs and models</title>
<link rel="icon" href="data:,">
<style nonce="{{nonce}}">
  :root { --fg:#1d2330; --muted:#5d6675; --line:#e3e6eb; --bg:#f6f7f9; --card:#fff;
          --ok:#1a7f37; --bad:#c0392b; --run:#1f6feb; --wait:#9a6700; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
  header { display:flex; align-items:baseline; gap:16px; padding:14px 24px; background:#1d2330; color:#fff; }
  header h1 { font-size:17px; margin:0; font-weight:600; }
  header .updated { color:#aab2c0; font-size:12px; margin-left:auto; }
  main { padding:20px 24px; display:grid; gap:20px; }
  section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 18px; }
  h2 { font-size:15px; margin:0 0 10px; }
  table { border-collapse:collapse; width:100%; }
  th, td { text-align:left; vertical-align:top; padding:7px 10px; border-top:1px solid var(--line); }
  th { font-size:12px; color:var(--muted); font-weight:600; border-top:none; }
  td.progress { min-width:150px; } td.created { white-space:nowrap; }
  .id { font-family:ui-monospace, SFMono-Regular, Menlo, monospace; font-size:12px; }
  .sub { color:var(--muted); font-size:12px; }
  .badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; color:#fff; background:var(--muted); }
  .badge.Completed { background:var(--ok); } .badge.Failed { background:var(--bad); }
  .badge.Running { background:var(--run); } .badge.WaitingForEvent { background:var(--wait); }
  .badge.Canceled { background:#6e7781; } .badge.Pending { background:#8c959f; }
  .verdict { font-weight:600; } .verdict.promote { color:var(--ok); } .verdict.reject { color:var(--bad); }
  .bar { width:120px; height:6px; background:var(--line); border-radius:3px; margin-top:4px; overflow:hidden; }
  .bar > span { display:block; height:100%; background:var(--run); }
  a { color:var(--run); }
  .models { display:grid; grid-template-columns:repeat(auto-fill, minmax(300px, 1fr)); gap:14px; }
  .model { border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
  .model h3 { margin:0 0 4px; font-size:14px; }
  .model ol { margin:6px 0 0; padding-left:18px; }
  .empty { color:var(--muted); font-style:italic; }
  .error { background:#fdecea; color:var(--bad); border:1px solid #f5c2bd; border-radius:6px; padding:8px 12px; }
  [hidden] { display:none !important; }
</style>
</head>
<body>
<header><h1>TransferFunctions</h1><span>runs and models of this store</span><span class="updated" id="updated">loading…</span></header>
<main>
  <div class="error" id="error" hidden></div>
  <section>
    <h2>Runs</h2>
    <table id="runs">
      <thead><tr><th>Run</th><th>Status</th><th>Progress</th><th>Decision</th><th>Report</th><th>Created</th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="empty" id="no-runs" hidden>No runs yet. Drop a batch under datasets/{project}/{batch}/ with a _READY marker, or POST /api/adaptations.</p>
  </section>
  <section>
    <h2>Models</h2>
    <div class="models" id="models"></div>
    <p class="empty" id="no-models" hidden>No models registered yet.</p>
  </section>
</main>
<script nonce="{{nonce}}">
"use strict";
const REFRESH_MS = 3000;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString();
}

// Only links into this run's own folder are made; anything else in the output stays text.
function reportHref(run) {
  const path = run.output && typeof run.output.report === "string" ? run.output.report : null;
  const safe = /^runs\/[A-Za-z0-9._-]+\/[A-Za-z0-9._\/-]+$/;
  if (!path || !safe.test(path) || path.includes("..") || !path.startsWith("runs/" + run.instanceId + "/")) return null;
  return "/" + path.split("/").map(encodeURIComponent).join("/");
}

function describeStatus(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") {
    const parts = ["step", "stage", "phase", "message", "detail"].filter(k => typeof value[k] === "string" || typeof value[k] === "number").map(k => String(value[k]));
    if (parts.length) return parts.join(" — ");
  }
  const text = JSON.stringify(value);
  return text.length > 120 ? text.slice(0, 117) + "…" : text;
}

function progressCell(run) {
  const steps = Array.isArray(run.steps) ? run.steps : [];
  const done = steps.filter(s => s.completedAt && s.succeeded === true).length;
  const failed = steps.filter(s => s.succeeded === false).map(s => s.name);
  const current = steps.filter(s => !s.completedAt).map(s => s.name);
  const cell = el("td", { class: "progress" });
  cell.append(el("div", null, `${done} step${done === 1 ? "" : "s"} done`));
  if (current.length) cell.append(el("div", { class: "sub current-step" }, "now: " + current.join(", ")));
  if (failed.length) cell.append(el("div", { class: "sub" }, "failed: " + failed.join(", ")));
  const custom = describeStatus(run.customStatus);
  const terminal = ["Completed", "Failed", "Canceled"].includes(run.status);
  if (custom && !terminal) cell.append(el("div", { class: "sub" }, custom));
  if (!terminal && steps.length) {
    const bar = el("div", { class: "bar" });
    const fill = el("span");
    fill.style.width = Math.round(100 * done / Math.max(steps.length, 1)) + "%";
    bar.append(fill);
    cell.append(bar);
  }
  return cell;
}

function decisionCell(run) {
  const cell = el("td", { class: "decision" });
  const decision = run.output && typeof run.output === "object" ? run.output.decision : null;
  if (decision && typeof decision.promote === "boolean") {
    cell.append(el("span", { class: "verdict " + (decision.promote ? "promote" : "reject") }, decision.promote ? "Promoted" : "Rejected"));
    if (typeof decision.summary === "string" && decision.summary) cell.append(el("div", { class: "summary" }, decision.summary));
  } else if (run.output && typeof run.output.outcome === "string") {
    // Ended before a decision (e.g. invalid data): the outcome and its reasons.
    cell.append(el("span", { class: "verdict reject" }, run.output.outcome));
    const reasons = Array.isArray(run.output.reasons) ? run.output.reasons.filter(r => typeof r === "string") : [];
    if (reasons.length) cell.append(el("div", { class: "summary" }, reasons.join("; ")));
  } else if (run.status === "Failed") {
    cell.append(el("span", { class: "verdict reject" }, "Failed"));
    if (run.failure) cell.append(el("div", { class: "summary" }, run.failure.message || run.failure.errorType || ""));
  } else if (run.status === "Canceled") {
    cell.append(el("div", { class: "summary" }, "Canceled: " + (run.cancellationReason || "")));
  } else if (run.status === "WaitingForEvent") {
    cell.append(el("div", { class: "summary" }, "Waiting for approval (POST /api/adaptations/" + run.instanceId + "/approve or /reject)"));
  } else if (run.status === "Completed") {
    cell.append(el("span", { class: "sub" }, "no decision recorded"));
  } else {
    cell.append(el("span", { class: "sub" }, "pending"));
  }
  return cell;
}

function runRow(run) {
  const input = run.input && typeof run.input === "object" ? run.input : {};
  const href = reportHref(run);
  const report = el("td");
  if (href) {
    report.append(el("a", { href, class: "report-link", target: "_self" }, "report"));
    const json = href.replace(/\.html$/, ".json");
    if (json !== href) report.append(" · ", el("a", { href: json, class: "sub" }, "json"));
  }
  return el("tr", { "data-run-id": run.instanceId, "data-status": run.status },
    el("td", null, el("div", { class: "id" }, run.instanceId),
      el("div", { class: "sub" }, [input.project, input.batch].filter(Boolean).join(" / "))),
    el("td", null, el("span", { class: "badge " + run.status }, run.status === "WaitingForEvent" ? "Waiting" : run.status)),
    progressCell(run),
    decisionCell(run),
    report,
    el("td", { class: "sub created" }, when(run.createdAt)));
}

function modelCard(model) {
  const champion = model.champion;
  const versions = Array.isArray(model.versions) ? model.versions : [];
  const card = el("div", { class: "model", "data-model": model.name });
  card.append(el("h3", null, model.name));
  if (champion) {
    const championCard = versions.find(v => v.version === champion.version);
    const metrics = championCard && championCard.metrics ? championCard.metrics : {};
    const value = typeof metrics.test_accuracy === "number" ? metrics.test_accuracy : metrics.accuracy;
    const accuracy = typeof value === "number" ? ` — accuracy ${(100 * value).toFixed(2)}%` : "";
    card.append(el("div", { class: "champion" }, `champion v${champion.version}${accuracy}`));
    card.append(el("div", { class: "sub" }, `since ${when(champion.updatedAt)}: ${champion.reason || ""}`));
    const history = Array.isArray(champion.history) ? champion.history.slice().reverse() : [];
    if (history.length) {
      const list = el("ol", { class: "history", reversed: "" });
      for (const h of history) {
        list.append(el("li", { class: "sub" }, `v${h.version}: ${when(h.promotedAt)} → ${when(h.replacedAt)}; ${h.reason || ""}`));
      }
      card.append(el("div", { class: "sub" }, "former champions:"), list);
    }
  } else {
    card.append(el("div", { class: "sub" }, "no champion yet"));
  }
  card.append(el("div", { class: "sub" }, `${versions.length} version${versions.length === 1 ? "" : "s"}`));
  return card;
}

async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (response.status === 401) throw new Error("Not signed in: open this page once as /?key=<your API key>.");
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
    throw new Error(`${url}: ${response.status} ${detail}`);
  }
  return response.json();
}

async function refresh() {
  const error = document.getElementById("error");
  try {
    const [runs, names] = await Promise.all([getJson("/api/adaptations"), getJson("/api/models")]);
    const models = await Promise.all(names.map(n => getJson("/api/models/" + encodeURIComponent(n))));
    runs.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    document.querySelector("#runs tbody").replaceChildren(...runs.map(runRow));
    document.getElementById("no-runs").hidden = runs.length > 0;
    document.getElementById("models").replaceChildren(...models.map(modelCard));
    document.getElementById("no-models").hidden = models.length > 0;
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
    error.hidden = true;
  } catch (e) {
    error.textContent = String(e.message || e);
    error.hidden = false;
  }
}

refresh();
setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
</script>
</body>
</html>
""";

    /// <summary>The answer to an unauthenticated browser at <c>/</c>.</summary>
    public const string Unauthorized = """
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TransferFunctions — API key needed</title></head>
<body style="font:15px system-ui, sans-serif; margin:40px; max-width:640px">
<h1 style="font-size:20px">API key needed</h1>
<p>Open this page once as <code>/?key=&lt;API key&gt;</code>. The key is in the file printed when
<code>transfer serve</code> started (by default <code>{store}/.tfstore-keys/api-key</code>); the page
then keeps it in a cookie that scripts cannot read, and takes it out of the address bar.</p>
</body></html>
""";
}
