using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Hosting;

/// <summary>
/// Where a CLI host's steps execute: in-process (the core's default), each in a child <c>transfer step</c> process, or
/// only the compute steps in child processes (<c>Steps:Isolation</c> = <c>in-process</c> | <c>child-process</c> |
/// <c>compute-child-process</c>, with the crash, memory, priority and concurrency limits of <see cref="ChildProcessLimits"/>),
/// optionally behind the <see cref="FaultInjectionOptions"/> seam.
/// </summary>
public static class StepExecutionServices
{
    public const string IsolationKey = ChildProcessLimits.Section + ":Isolation";

    /// <summary>Registers the step executor the configuration asks for; <paramref name="isolation"/> (a command's option) wins over <c>Steps:Isolation</c>.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="isolation">The command's choice, if it made one.</param>
    /// <param name="faultSeam">Whether <see cref="FaultInjectionOptions"/> applies (the long-running host only: a step child process inherits the environment and must not hold again).</param>
    /// <param name="defaultIsolation">The host's choice when neither the command nor <c>Steps:Isolation</c> makes one.</param>
    /// <exception cref="InvalidOperationException"><c>Steps:Isolation</c> names no isolation.</exception>
    public static IServiceCollection AddStepExecution(this IServiceCollection services, IConfiguration configuration, StepIsolation? isolation = null, bool faultSeam = false,
        StepIsolation defaultIsolation = StepIsolation.InProcess)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var chosen = isolation ?? Parse(configuration[IsolationKey]) ?? defaultIsolation;
        var faults = (faultSeam ? configuration.GetSection(FaultInjectionOptions.Section).Get<FaultInjectionOptions>() : null) ?? new FaultInjectionOptions();
        if (chosen == StepIsolation.InProcess && !faults.Enabled) return services; // the core's in-process executor stays
        services.AddSingleton<IStepExecutor>(sp =>
        {
            IStepExecutor executor = chosen switch
            {
                StepIsolation.ChildProcess => ChildProcesses(sp, configuration),
                StepIsolation.ComputeChildProcess => new ComputeInChildProcessExecutor(sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor(), ChildProcesses(sp, configuration)),
                _ => sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor(),
            };
            return faults.Enabled ? new FaultInjectingStepExecutor(executor, faults, sp.GetRequiredService<ILogger<FaultInjectingStepExecutor>>()) : executor;
        });
        return services;
    }

    /// <summary>One line for a host's banner: where its steps run, at what priority.</summary>
    public static string Describe(IConfiguration configuration, StepIsolation defaultIsolation = StepIsolation.InProcess)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var limits = configuration.GetSection(ChildProcessLimits.Section).Get<ChildProcessLimits>() ?? new ChildProcessLimits();
        var priority = limits.Nice > 0 ? $"at nice {limits.Nice}" : "at the host's priority";
        return (Parse(configuration[IsolationKey]) ?? defaultIsolation) switch
        {
            StepIsolation.ChildProcess => $"every step in its own child process, {priority} ({IsolationKey}=child-process)",
            StepIsolation.ComputeChildProcess => $"compute steps ({string.Join(", ", StepNames.Compute)}) in child processes {priority}, {limits.MaxConcurrentComputeSteps} at a time; validate, promote and report here ({IsolationKey}=compute-child-process)",
            _ => $"every step in this process ({IsolationKey}=in-process)",
        };
    }

    private static ChildProcessStepExecutor ChildProcesses(IServiceProvider sp, IConfiguration configuration) =>
        new(sp.GetRequiredService<IObjectStore>(), Path.GetFullPath(sp.GetRequiredService<IOptions<StoreOptions>>().Value.Root), LocalPipeline.SelfCommand(),
            configuration.GetSection(ChildProcessLimits.Section).Get<ChildProcessLimits>() ?? new ChildProcessLimits(), sp.GetRequiredService<ILogger<ChildProcessStepExecutor>>(),
            // The host's device (Engine:Device, however it was given) is the step's: a child would otherwise fall back to its own default.
            ["--device", sp.GetRequiredService<PipelineOptions>().Device]);

    private static StepIsolation? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "in-process" => StepIsolation.InProcess,
        "child-process" => StepIsolation.ChildProcess,
        "compute-child-process" => StepIsolation.ComputeChildProcess,
        _ => throw new InvalidOperationException($"{IsolationKey} is '{value}': use 'in-process', 'child-process' or 'compute-child-process'."),
    };

    /// <summary>The compute steps (<see cref="StepNames.Compute"/>) in child processes, the steps that only move data in the host.</summary>
    private sealed class ComputeInChildProcessExecutor(IStepExecutor inProcess, IStepExecutor childProcess) : IStepExecutor
    {
        public Task<System.Text.Json.JsonElement> ExecuteAsync(StepInvocation invocation, CancellationToken cancellationToken) =>
            (StepNames.Compute.Contains(invocation.StepName) ? childProcess : inProcess).ExecuteAsync(invocation, cancellationToken);
    }
}
