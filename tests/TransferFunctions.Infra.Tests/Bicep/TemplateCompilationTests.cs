using TransferFunctions.Infra.Tests.TestSupport;

namespace TransferFunctions.Infra.Tests.Bicep;

/// <summary>
/// Every template and parameters file under infra/ compiles and lints clean with the pinned bicep CLI; and the same
/// check fails on a broken copy (a type error, a lint finding, a parameters file out of step with its template).
/// </summary>
public sealed class TemplateCompilationTests
{
    [Fact]
    public async Task Every_template_and_parameters_file_builds_and_lints_without_a_diagnostic()
    {
        using var output = new TemporaryDirectory();

        var check = await BicepCli.CheckAsync(Repository.Infra, output.Path);

        Assert.True(check.Passed, check.ToString());
        foreach (var built in new[] { "main.json", "dev.json", "prod.json", "modules/containerapps.json", "modules/functionapp.json" })
        {
            Assert.True(File.Exists(output.Combine(built)), $"{built} was not built");
        }
    }

    /// <summary>
    /// A broken copy of infra/ fails the check with the diagnostic that names the fault. Bicep reports a mistyped
    /// resource property only as a warning (BCP036) and still emits JSON: the check rejects that too.
    /// </summary>
    [Theory]
    [InlineData("undefined name", "modules/storage.bicep", "name: skuName", "name: skuNam", "storage.bicep", "Error BCP057")]
    [InlineData("property of the wrong type", "modules/storage.bicep", "minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 12", "storage.bicep", "BCP036")]
    [InlineData("lint finding", "main.bicep", "targetScope = 'resourceGroup'", "targetScope = 'resourceGroup'\n\nparam forgotten string = 'x'", "main.bicep", "no-unused-params")]
    [InlineData("parameter the template lacks", "prod.bicepparam", "param environmentName = 'prod'", "param environmentName = 'prod'\nparam gpuCount = 2", "prod.bicepparam", "gpuCount")]
    public async Task A_broken_copy_fails_the_check_naming_the_fault(string fault, string file, string find, string replacement, string diagnosticFile, string diagnostic)
    {
        using var copy = CopyOfInfra();
        Edit(copy.Combine(file.Split('/')), find, replacement);

        var check = await BicepCli.CheckAsync(copy.Path, copy.Combine("out"));

        Assert.False(check.Passed, $"a copy with a {fault} passed");
        Assert.Contains(check.AllDiagnostics, d => d.Contains(diagnosticFile, StringComparison.Ordinal) && d.Contains(diagnostic, StringComparison.Ordinal));
    }

    private static TemporaryDirectory CopyOfInfra()
    {
        var copy = new TemporaryDirectory();
        foreach (var file in Directory.EnumerateFiles(Repository.Infra, "*", SearchOption.AllDirectories))
        {
            var target = copy.Combine(Path.GetRelativePath(Repository.Infra, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    private static void Edit(string path, string find, string replacement)
    {
        var text = File.ReadAllText(path);
        Assert.Contains(find, text);
        File.WriteAllText(path, text.Replace(find, replacement, StringComparison.Ordinal));
    }
}
