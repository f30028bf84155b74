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

    [Fact]
    public async Task An_undefined_name_in_a_module_fails_the_check()
    {
        using var copy = CopyOfInfra();
        Edit(copy.Combine("modules", "storage.bicep"), "name: skuName", "name: skuNam");

        var check = await BicepCli.CheckAsync(copy.Path, copy.Combine("out"));

        Assert.False(check.Passed);
        Assert.Contains(check.AllDiagnostics, d => d.Contains("storage.bicep", StringComparison.Ordinal) && d.Contains("Error BCP057", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_property_of_the_wrong_type_fails_the_check()
    {
        // Bicep reports a mistyped resource property as a warning (BCP036) and still emits JSON: the check rejects it too.
        using var copy = CopyOfInfra();
        Edit(copy.Combine("modules", "storage.bicep"), "minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 12");

        var check = await BicepCli.CheckAsync(copy.Path, copy.Combine("out"));

        Assert.False(check.Passed);
        Assert.Contains(check.AllDiagnostics, d => d.Contains("storage.bicep", StringComparison.Ordinal) && d.Contains("BCP036", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lint_finding_fails_the_check()
    {
        using var copy = CopyOfInfra();
        Edit(copy.Combine("main.bicep"), "targetScope = 'resourceGroup'", "targetScope = 'resourceGroup'\n\nparam forgotten string = 'x'");

        var check = await BicepCli.CheckAsync(copy.Path, copy.Combine("out"));

        Assert.False(check.Passed);
        Assert.Contains(check.AllDiagnostics, d => d.Contains("no-unused-params", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_parameters_file_naming_a_parameter_the_template_lacks_fails_the_check()
    {
        using var copy = CopyOfInfra();
        Edit(copy.Combine("prod.bicepparam"), "param environmentName = 'prod'", "param environmentName = 'prod'\nparam gpuCount = 2");

        var check = await BicepCli.CheckAsync(copy.Path, copy.Combine("out"));

        Assert.False(check.Passed);
        Assert.Contains(check.AllDiagnostics, d => d.Contains("prod.bicepparam", StringComparison.Ordinal) && d.Contains("gpuCount", StringComparison.Ordinal));
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
