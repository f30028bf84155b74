using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TransferFunctions.Cli.Bench;
using TransferFunctions.Cli.Serve;
using TransferFunctions.Cli.Tests.TestSupport;
using TransferFunctions.Pipeline.Hosting;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Tests.Security;

/// <summary>
/// A real <c>transfer serve</c> process with an API key and a storage connection string in its configuration runs a
/// pipeline end to end, with telemetry printed, and is asked with wrong keys and the dashboard's one-time key link; then
/// every byte it wrote (console output, log, store objects and bookkeeping, reports, its work folder) is searched for both.
/// </summary>
public sealed class SecretsStayOutTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Neither_the_api_key_nor_a_configured_connection_string_appears_in_any_log_report_or_store_file()
    {
        var store = Path.Combine(_folder.Path, "store");
        var logs = Path.Combine(_folder.Path, "logs");
        var work = Path.Combine(_folder.Path, "work");
        Directory.CreateDirectory(logs);
        var accountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var connectionString = $"DefaultEndpointsProtocol=https;AccountName=tfsecretstest;AccountKey={accountKey};EndpointSuffix=core.windows.net";
        // In appsettings.json of the working directory, as an operator would configure it.
        await File.WriteAllTextAsync(Path.Combine(logs, "appsettings.json"), JsonSerializer.Serialize(new
        {
            Store = new { ConnectionString = connectionString },
            Telemetry = new { Console = true },
            Pipeline = new { WorkDirectory = work },
            Runner = new { PollInterval = "00:00:00.100" },
        }));
        await new FileSystemObjectStore(store).WriteJsonAsync(ProjectSettings.KeyOf("fashion"),
            new ProjectSettings("fine-tune", ServeTestHost.Steps, Policy: ServeTestHost.Lenient), WriteCondition.Always);

        string key;
        await using (var server = await ServeProcess.StartAsync(store, logs, ["--rescan-seconds", "1"]))
        {
            key = server.ApiKey;
            using var http = server.CreateClient();
            using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };
            await ServeTestHost.DeliverAsync(store, "fashion", "b1");
            var runId = ArrivalKeys.RunId("fashion", "b1");
            // Near misses carry most of the key: a log of rejected keys would show it.
            foreach (var wrong in new[] { key + "x", key[..^1] })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/adaptations/{runId}");
                request.Headers.Add(ApiKeyAuthentication.HeaderName, wrong);
                Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(request)).StatusCode);
            }
            Assert.Equal(HttpStatusCode.SeeOther, (await anonymous.GetAsync($"/?key={Uri.EscapeDataString(key)}")).StatusCode);

            await ServeTestHost.EventuallyAsync(async () =>
            {
                using var response = await http.GetAsync($"/api/adaptations/{runId}");
                return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<RunRecord>(StoreJson.Options))!.IsTerminal;
            }, "the run ends", TimeSpan.FromMinutes(5));
            var run = await http.GetFromJsonAsync<RunRecord>($"/api/adaptations/{runId}", StoreJson.Options);
            Assert.Equal(RunStatus.Completed, run!.Status);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/runs/{runId}/report.html")).StatusCode);
            Assert.Equal(0, await server.StopAsync());
        }

        var keyFile = Path.GetFullPath(ServeOptions.DefaultApiKeyFile(store));
        var searched = Directory.EnumerateFiles(_folder.Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(file => Path.GetFullPath(file) != keyFile && Path.GetFileName(file) != "appsettings.json")
            .ToList();
        var secrets = new[] { key, key[..^1], accountKey, connectionString };
        var leaks = searched.Where(file =>
        {
            var bytes = File.ReadAllBytes(file);
            return secrets.Any(secret => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0);
        }).ToList();

        Assert.Empty(leaks);
        // What was searched is what the run produced: logs with its steps, its record, its report, the registered model.
        Assert.Contains(searched, f => f.EndsWith("serve.stderr.log", StringComparison.Ordinal) || f.EndsWith("serve.stdout.log", StringComparison.Ordinal));
        Assert.Contains("step validate", await File.ReadAllTextAsync(Path.Combine(logs, "serve.stdout.log")) + await File.ReadAllTextAsync(Path.Combine(logs, "serve.stderr.log")));
        Assert.Contains(searched, f => f.EndsWith(Path.Combine("runs", ArrivalKeys.RunId("fashion", "b1"), "report.html"), StringComparison.Ordinal));
        Assert.Contains(searched, f => f.EndsWith(Path.Combine("runs", ArrivalKeys.RunId("fashion", "b1"), "run.json"), StringComparison.Ordinal));
        Assert.Contains(searched, f => f.EndsWith(Path.Combine("models", "fashion", "v1", "model.json"), StringComparison.Ordinal));
        Assert.True(searched.Count > 50, $"only {searched.Count} files searched");
    }
}
