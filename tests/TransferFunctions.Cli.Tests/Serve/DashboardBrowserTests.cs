using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Storage;
using Xunit.Abstractions;

namespace TransferFunctions.Cli.Tests.Serve;

/// <summary>
/// The dashboard in a real headless browser (Debian chromium driven by playwright-core, both
/// installed by <c>./tf setup</c>). Missing tools fail the test: CI must have them.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string HostileBatch = "<img src=x onerror=alert(1)>";

    private readonly TemporaryFolder _folder = new();
    private ServeTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ServeTestHost.StartAsync(Path.Combine(_folder.Path, "store"));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task The_dashboard_shows_a_finished_run_with_its_decision_and_its_report_link_opens_the_report()
    {
        await _host.DeliverAsync("fashion", "b1");
        await _host.SettleProjectAsync("fashion");
        var promoted = await SubmitAsync(new { project = "fashion", batch = "b1" });
        // A batch name that is markup: it must reach the page as text. The batch exists (a named batch must, at
        // submission) but is not ready, so its run stops at validation.
        var hostileFolder = Path.Combine(_host.StoreDirectory, "datasets", "fashion", HostileBatch);
        Directory.CreateDirectory(hostileFolder);
        await File.WriteAllTextAsync(Path.Combine(hostileFolder, "note.txt"), "arriving");
        var hostile = await SubmitAsync(new { project = "fashion", batch = HostileBatch });
        var done = await _host.WaitForRunAsync(promoted);
        Assert.Equal(RunStatus.Completed, done.Status);
        var accuracy = done.Output!.Value.GetProperty("candidateAccuracy").GetDouble();
        var stopped = await _host.WaitForRunAsync(hostile);
        Assert.Equal("invalid-data", stopped.Output!.Value.GetProperty("outcome").GetString());
        var screenshot = Path.Combine(_folder.Path, "dashboard.png");

        var (exitCode, stdout, stderr) = await RunNodeAsync(BrowserScript(), _host.BaseAddress.ToString().TrimEnd('/'), _host.ApiKey, screenshot);

        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(exitCode == 0, $"dashboard.mjs exited {exitCode}:\n{stdout}\n{stderr}");
        var seen = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.True(seen.GetProperty("ok").GetBoolean());
        Assert.Equal("/", seen.GetProperty("landedOn").GetString());
        var rows = seen.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.StartsWith("Promoted", rows[promoted].GetProperty("decision").GetString());
        Assert.Contains("first model of the project", rows[promoted].GetProperty("decision").GetString());
        Assert.Equal($"/runs/{promoted}/report.html", rows[promoted].GetProperty("report").GetString());
        Assert.Contains("7 steps done", rows[promoted].GetProperty("progress").GetString());
        Assert.Equal("Completed", rows[hostile].GetProperty("status").GetString());
        Assert.Contains(HostileBatch, rows[hostile].GetProperty("batch").GetString());
        Assert.Contains(HostileBatch, rows[hostile].GetProperty("decision").GetString());
        Assert.Equal(0, seen.GetProperty("injectedElements").GetInt32());
        Assert.Contains(seen.GetProperty("models").EnumerateArray(), m => m.GetString()!.Contains($"champion v1 — accuracy {100 * accuracy:F2}%"));
        var report = seen.GetProperty("report");
        Assert.Equal($"{_host.BaseAddress}runs/{promoted}/report.html", report.GetProperty("url").GetString());
        Assert.Contains(promoted, report.GetProperty("heading").GetString());
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 10_000, $"the screenshot is only {png.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        CopyScreenshotForHumans(screenshot);
    }

    private async Task<string> SubmitAsync(object body)
    {
        var response = await _host.Http.PostAsJsonAsync("/api/adaptations", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonSerializer.Deserialize<RunRecord>(await response.Content.ReadAsStringAsync(), StoreJson.Options)!.InstanceId;
    }

    private static string BrowserScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "tests", "browser", "dashboard.mjs");
            if (File.Exists(script))
            {
                Assert.True(
                    Directory.Exists(Path.Combine(dir.FullName, "tests", "browser", "node_modules", "playwright-core")),
                    "playwright-core is not installed in tests/browser/node_modules: run ./tf setup (it runs npm ci there).");
                return script;
            }
        }

        Assert.Fail($"tests/browser/dashboard.mjs not found above {AppContext.BaseDirectory}.");
        return "";
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(string script, params string[] arguments)
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"{chromium} is missing: install Debian's chromium (./tf setup does).");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"node could not be started ({ex.Message}): install Node.js (./tf setup checks for it).");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"dashboard.mjs did not finish within 2 minutes:\n{await stdout}\n{await stderr}");
            }

            return (process.ExitCode, await stdout, await stderr);
        }
    }

    private void CopyScreenshotForHumans(string screenshot)
    {
        // Kept after the test (the store folder is deleted) so a person can look at the dashboard.
        var kept = Path.Combine(Path.GetTempPath(), "transferfunctions-dashboard.png");
        File.Copy(screenshot, kept, overwrite: true);
        output.WriteLine($"Screenshot: {kept}");
    }
}
