using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TransferFunctions.Pipeline.Observability;

namespace TransferFunctions.Cli.Hosting;

/// <summary>
/// OpenTelemetry for the local host: the pipeline's traces (a trace per run, a span per step) and metrics. Section
/// <c>Telemetry</c>: <c>Console</c> (true: print spans and metrics to stdout of the host), <c>OtlpEndpoint</c> (export by OTLP,
/// e.g. http://localhost:4317); the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> works too.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddTransferFunctionsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var console = configuration.GetValue<bool>("Telemetry:Console");
        var otlp = configuration["Telemetry:OtlpEndpoint"] ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (!console && string.IsNullOrWhiteSpace(otlp)) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("transferfunctions"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(PipelineTelemetry.Name);
                if (console) tracing.AddConsoleExporter();
                if (!string.IsNullOrWhiteSpace(otlp)) tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PipelineTelemetry.Name);
                if (console) metrics.AddConsoleExporter();
                if (!string.IsNullOrWhiteSpace(otlp)) metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            });
        return services;
    }
}
