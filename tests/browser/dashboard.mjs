// Opens the `transfer serve` dashboard in headless Debian chromium and checks what a person sees:
// the finished run with its decision, a report link that opens the report, and stored text shown
// as text (never as markup).
//
//   node tests/browser/dashboard.mjs <base-url> <api-key> [screenshot.png]
//
// Prints one JSON line with what it saw; exits 0 when every check passed, 1 otherwise.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [baseUrl, apiKey, screenshotArg] = process.argv.slice(2);
if (!baseUrl || !apiKey) {
  console.error("usage: node dashboard.mjs <base-url> <api-key> [screenshot.png]");
  process.exit(2);
}

const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const profile = mkdtempSync(join(tmpdir(), "tf-chromium-"));
const screenshot = screenshotArg || join(tmpdir(), `tf-dashboard-${process.pid}.png`);
const failures = [];
const check = (ok, message) => { if (!ok) failures.push(message); };
const seen = { dialogs: [], consoleErrors: [] };

let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1360, height: 820 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on("dialog", async d => { seen.dialogs.push(d.message()); await d.dismiss(); });
  page.on("console", m => { if (m.type() === "error") seen.consoleErrors.push(m.text()); });

  // The key arrives once in the query; the server moves it into a cookie and redirects to "/".
  const response = await page.goto(`${baseUrl}/?key=${encodeURIComponent(apiKey)}`, { waitUntil: "domcontentloaded" });
  seen.landedOn = new URL(page.url()).pathname + new URL(page.url()).search;
  check(response && response.ok(), `dashboard answered ${response && response.status()}`);
  check(seen.landedOn === "/", `the key stayed in the address bar: ${seen.landedOn}`);

  await page.waitForSelector("#runs tbody tr[data-run-id]", { timeout: 15000 });
  await page.waitForSelector("#models .model", { timeout: 15000 });
  seen.runs = await page.$$eval("#runs tbody tr[data-run-id]", rows => rows.map(r => ({
    id: r.getAttribute("data-run-id"),
    status: r.getAttribute("data-status"),
    decision: r.querySelector(".decision")?.innerText.trim() ?? "",
    progress: r.querySelector(".progress")?.innerText.trim() ?? "",
    report: r.querySelector("a.report-link")?.getAttribute("href") ?? null,
    batch: r.querySelector("td .sub")?.innerText.trim() ?? "",
  })));
  seen.models = await page.$$eval("#models .model", cards => cards.map(c => c.innerText.trim()));
  seen.injectedElements = await page.$$eval("#runs img, #runs script, #runs iframe, #models img", n => n.length);
  check(seen.injectedElements === 0, `stored text became markup: ${seen.injectedElements} injected element(s)`);

  const promoted = seen.runs.find(r => r.status === "Completed" && r.decision.startsWith("Promoted"));
  check(promoted, "no completed run shows a 'Promoted' decision");
  check(promoted && promoted.report, "the promoted run has no report link");
  check(seen.models.some(m => /champion v\d+/.test(m)), "no model shows its champion");

  await page.screenshot({ path: screenshot, fullPage: true });
  seen.screenshot = screenshot;

  if (promoted && promoted.report) {
    await Promise.all([
      page.waitForURL(u => u.pathname === promoted.report, { timeout: 15000 }),
      page.click(`tr[data-run-id="${promoted.id}"] a.report-link`),
    ]);
    seen.report = { url: page.url(), title: await page.title(), heading: (await page.textContent("h1"))?.trim() ?? "" };
    check(seen.report.heading.includes(promoted.id), `the report page shows '${seen.report.heading}', not run ${promoted.id}`);
  }

  check(seen.dialogs.length === 0, `the page opened dialogs: ${seen.dialogs.join(" | ")}`);
} catch (error) {
  failures.push(String(error && error.stack || error));
} finally {
  if (context) await context.close().catch(() => {});
  try { rmSync(profile, { recursive: true, force: true, maxRetries: 3 }); } catch { /* best effort */ }
}

console.log(JSON.stringify({ ok: failures.length === 0, failures, ...seen }));
process.exit(failures.length === 0 ? 0 : 1);
