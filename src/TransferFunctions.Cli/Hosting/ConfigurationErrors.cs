using Microsoft.Extensions.Options;

namespace TransferFunctions.Cli.Hosting;

/// <summary>Start-time validation failures (one, or several wrapped together) as one line for the user.</summary>
public static class ConfigurationErrors
{
    public static string? Describe(Exception ex)
    {
        var failures = ex switch
        {
            OptionsValidationException o => o.Failures,
            AggregateException a when a.InnerExceptions.All(i => i is OptionsValidationException) =>
                a.InnerExceptions.Cast<OptionsValidationException>().SelectMany(o => o.Failures),
            _ => null,
        };
        return failures is null ? null : "invalid configuration: " + string.Join("; ", failures.Distinct());
    }
}
