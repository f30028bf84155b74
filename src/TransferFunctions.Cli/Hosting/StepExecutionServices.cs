using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Hosting;

/// <summary>
/// Where a CLI host's steps execute: in-process (the core's default) or each in a child <c>transfer step</c> process
/// (<c>Steps:Isolation</c> = <c>in-process</c> | <c>child-process</c>, with the crash and memory limits of
/// <see cref="ChildProcessLimits"/>), optionally behind the <see cref="FaultInjectionOptions"/> seam.
/// </summary>
public static class StepExecutionServices
{
    public const string IsolationKey = ChildProcessLimits.Section + ":Isolation";

    /// <summary>Registers the step executor the configuration asks for; <paramref name="isolation"/> (a command's option) wins over <c>Steps:Isolation</c>.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="isolation">The command's choice, if it made one.</param>
    /// <param name="faultSeam">Whether <see cref="FaultInjectionOptions"/> applies (the long-running host only: a step child process inherits the environment and must not hold again).</param>
    /// <exception cref="InvalidOperationException"><c>Steps:Isolation</c> names no isolation.</exception>
    public static IServiceCollection AddStepExecution(this IServiceCollection services, IConfiguration configuration, StepIsolation? isolation = null, bool faultSeam = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var chosen = isolation ?? Parse(configuration[IsolationKey]);
        var faults = (faultSeam ? configuration.GetSection(FaultInjectionOptions.Section).Get<FaultInjectionOptions>() : null) ?? new FaultInjectionOptions();
        if (chosen == StepIsolation.InProcess && !faults.Enabled) return services; // the core's in-process executor stays
        services.AddSingleton<IStepExecutor>(sp =>
        {
            IStepExecutor executor = chosen == StepIsolation.ChildProcess
                ? new ChildProcessStepExecutor(sp.GetRequiredService<IObjectStore>(), Path.GetFullPath(sp.GetRequiredService<IOptions<StoreOptions>>().Value.Root), LocalPipeline.SelfCommand(),
                    configuration.GetSection(ChildProcessLimits.Section).Get<ChildProcessLimits>() ?? new ChildProcessLimits(), sp.GetRequiredService<ILogger<ChildProcessStepExecutor>>())
                : sp.GetRequiredService<PipelineSteps>().CreateInProcessExecutor();
            return faults.Enabled ? new FaultInjectingStepExecutor(executor, faults, sp.GetRequiredService<ILogger<FaultInjectingStepExecutor>>()) : executor;
        });
        return services;
    }

    private static StepIsolation Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "in-process" => StepIsolation.InProcess,
        "child-process" => StepIsolation.ChildProcess,
        _ => throw new InvalidOperationException($"{IsolationKey} is '{value}': use 'in-process' or 'child-process'."),
    };
}
