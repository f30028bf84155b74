using TransferFunctions.Learning.Data;

namespace TransferFunctions.Cli.Commands;

/// <summary>Reads and validates a dataset for a command; malformed data ends the command with its specific messages.</summary>
public static class DataErrors
{
    /// <summary>Exit code of a command stopped by bad input data.</summary>
    public const int ExitCode = 2;

    /// <summary>The validated dataset, or null after printing every error (and the warnings) to <paramref name="log"/>.</summary>
    public static async Task<ValidationReport?> ReadAndValidateAsync(string path, TextWriter log, CancellationToken cancellationToken)
    {
        DatasetDescription dataset;
        try
        {
            dataset = await DatasetReader.ReadAsync(path, cancellationToken);
        }
        catch (DatasetFormatException e)
        {
            log.WriteLine($"error: {e.Message}");
            return null;
        }
        var report = await new DatasetValidator().ValidateAsync(dataset, cancellationToken);
        foreach (var warning in report.Warnings) log.WriteLine($"warning [{warning.Code}]: {warning.Message}");
        if (!report.HasErrors) return report;
        foreach (var error in report.Errors) log.WriteLine($"error [{error.Code}]: {error.Message}");
        log.WriteLine($"{path}: {report.Errors.Count()} error(s); nothing was trained or written.");
        return null;
    }
}
