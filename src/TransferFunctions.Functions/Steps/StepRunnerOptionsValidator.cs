using Microsoft.Extensions.Options;

namespace TransferFunctions.Functions.Steps;

/// <summary>Checks the <c>Steps</c> section at start-up; a failure names the setting and its value.</summary>
public sealed class StepRunnerOptionsValidator : IValidateOptions<StepRunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, StepRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
