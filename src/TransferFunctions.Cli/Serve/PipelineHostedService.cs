using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TransferFunctions.Cli.Serve;

/// <summary>
/// The host's background work: at start, every unfinished run is resumed and the data-arrival
/// trigger starts watching; at stop, the trigger stops and executing runs are cancelled, which
/// leaves them to be resumed (journal replay) at the next start.
/// </summary>
public sealed class PipelineHostedService(ServeComponents components, ILogger<PipelineHostedService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _trigger = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var resumed = await components.Scheduler.ResumeUnfinishedAsync(components.Service.ListRunsAsync(cancellationToken), cancellationToken);
        if (resumed > 0)
        {
            logger.LogInformation("Resumed {Count} unfinished run(s)", resumed);
        }

        if (components.Trigger is { } trigger)
        {
            _trigger = Task.Run(() => trigger.RunAsync(_stopping.Token), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _trigger.WaitAsync(cancellationToken);
        await components.Scheduler.StopAsync(cancellationToken);
    }

    public void Dispose() => _stopping.Dispose();
}
