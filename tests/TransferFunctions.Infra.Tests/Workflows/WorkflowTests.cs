using System.Text.RegularExpressions;
using TransferFunctions.Infra.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace TransferFunctions.Infra.Tests.Workflows;

/// <summary>
/// The workflows do what docs/azure.md says they do: CI runs the suite, builds both images without pushing and
/// checks the Bicep; deploy signs in with OIDC behind the production environment. (They run on GitHub only.)
/// </summary>
public sealed partial class WorkflowTests
{
    [Theory]
    [InlineData("ci.yml")]
    [InlineData("deploy.yml")]
    public void Every_action_is_pinned_to_a_full_commit_with_its_version_named(string name)
    {
        var workflow = Workflow.Load(name);
        var uses = workflow.AllSteps().Select(s => Workflow.Scalar(s, "uses")).OfType<string>().ToList();

        Assert.NotEmpty(uses);
        Assert.All(uses, u => Assert.Matches(PinnedAction(), u));
        Assert.All(workflow.Text.Split('\n').Where(l => l.TrimStart().StartsWith("- uses:", StringComparison.Ordinal) || l.TrimStart().StartsWith("uses:", StringComparison.Ordinal)),
            l => Assert.Matches(VersionComment(), l));
    }

    [Fact]
    public void Ci_runs_the_test_suite_builds_both_images_without_pushing_and_checks_the_bicep()
    {
        var ci = Workflow.Load("ci.yml");
        var images = ci.Job("images");
        var devices = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)images["strategy"])["matrix"])["device"]).Children.Select(d => ((YamlScalarNode)d).Value);
        var build = Workflow.Steps(images).Single(s => (Workflow.Scalar(s, "uses") ?? "").StartsWith("docker/build-push-action@", StringComparison.Ordinal));

        Assert.Contains(Workflow.Steps(ci.Job("test")), s => (Workflow.Scalar(s, "run") ?? "").Contains("./tf test", StringComparison.Ordinal));
        Assert.Equal(["cpu", "cuda"], devices);
        Assert.Equal("false", Workflow.Scalar(build, "with", "push"));
        Assert.Equal("deploy/Dockerfile.${{ matrix.device }}", Workflow.Scalar(build, "with", "file"));
        Assert.All(devices, d => Assert.True(File.Exists(Repository.PathOf("deploy", $"Dockerfile.{d}")), $"deploy/Dockerfile.{d}"));
        Assert.Contains(Workflow.Steps(ci.Job("bicep")), s => (Workflow.Scalar(s, "run") ?? "").Contains("lint --pattern '**/*.bicep'", StringComparison.Ordinal));
        Assert.Equal("read", Workflow.Scalar(ci.Root, "permissions", "contents"));
    }

    [Fact]
    public void Deploy_signs_in_with_oidc_behind_production_and_deploys_infrastructure_image_and_app()
    {
        var deploy = Workflow.Load("deploy.yml");
        var job = deploy.Job("deploy");
        var steps = Workflow.Steps(job);
        var login = steps.Single(s => (Workflow.Scalar(s, "uses") ?? "").StartsWith("azure/login@", StringComparison.Ordinal));
        var runs = string.Join('\n', steps.Select(s => Workflow.Scalar(s, "run")).OfType<string>());
        var push = steps.Single(s => (Workflow.Scalar(s, "uses") ?? "").StartsWith("docker/build-push-action@", StringComparison.Ordinal));
        var events = ((YamlMappingNode)deploy.Root["on"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();

        Assert.Equal("write", Workflow.Scalar(deploy.Root, "permissions", "id-token"));
        Assert.Equal("production", Workflow.Scalar(job, "environment"));
        Assert.Equal(["push", "workflow_dispatch"], events);
        foreach (var input in new[] { "client-id", "tenant-id", "subscription-id" })
        {
            Assert.StartsWith("${{ vars.", Workflow.Scalar(login, "with", input), StringComparison.Ordinal);
        }
        Assert.Null(Workflow.Scalar(login, "with", "creds"));
        Assert.DoesNotContain("secrets.", deploy.Text, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(runs, @"az deployment group create .*\n?.*-f infra/main\.bicep"));
        Assert.Equal("infra/prod.bicepparam", Workflow.Scalar(deploy.Root, "env", "PARAMETERS"));
        Assert.True(File.Exists(Repository.PathOf("infra", "prod.bicepparam")));
        Assert.Equal("true", Workflow.Scalar(push, "with", "push"));
        Assert.Contains(steps, s => (Workflow.Scalar(s, "uses") ?? "").StartsWith("Azure/functions-action@", StringComparison.Ordinal));
        Assert.Contains("enableReadyEvents=true", runs, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@[0-9a-f]{40}$")]
    private static partial Regex PinnedAction();

    [GeneratedRegex(@"@[0-9a-f]{40} # v\d+(\.\d+){1,2}$")]
    private static partial Regex VersionComment();
}
