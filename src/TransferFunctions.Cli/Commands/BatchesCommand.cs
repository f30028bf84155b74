using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// `transfer batches exclude|include|excluded`: quarantine a bad batch so the project's later runs leave it out (its files
/// stay as they are), bring it back, list what is excluded. The same records as <c>POST /api/projects/{project}/batches/{batch}/exclude</c>.
/// </summary>
public static class BatchesCommand
{
    public static Command Create()
    {
        var command = new Command("batches", "Exclude (quarantine) or include a project's data batches.");

        var store = CommonOptions.Store();
        var project = new Argument<string>("project") { Description = "project name" };
        var batch = new Argument<string>("batch") { Description = "batch folder name under datasets/PROJECT/" };
        var by = new Option<string>("--by") { Description = "who excludes it (recorded)", DefaultValueFactory = _ => Environment.UserName };
        var reason = new Option<string?>("--reason") { Description = "why (recorded)" };
        var exclude = new Command("exclude", "Leave a batch out of the project's runs from now on; its files are kept.") { project, batch, by, reason, store };
        exclude.SetAction(async (parse, ct) =>
        {
            await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(store), ct);
            var api = pipeline.Services.GetRequiredService<BatchesApi>();
            var done = await api.ExcludeAsync(parse.GetValue(project)!, parse.GetValue(batch)!, new ExclusionBody(parse.GetValue(by), parse.GetValue(reason)), ct);
            System.Console.Out.WriteLine($"excluded {parse.GetValue(project)}/{done.Batch}: later runs leave it out (`transfer batches include` brings it back)");
            return 0;
        });

        var includeStore = CommonOptions.Store();
        var includeProject = new Argument<string>("project") { Description = "project name" };
        var includeBatch = new Argument<string>("batch") { Description = "batch folder name under datasets/PROJECT/" };
        var include = new Command("include", "Bring an excluded batch back into the project's runs.") { includeProject, includeBatch, includeStore };
        include.SetAction(async (parse, ct) =>
        {
            await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(includeStore), ct);
            var api = pipeline.Services.GetRequiredService<BatchesApi>();
            var name = $"{parse.GetValue(includeProject)}/{parse.GetValue(includeBatch)}";
            System.Console.Out.WriteLine(await api.IncludeAsync(parse.GetValue(includeProject)!, parse.GetValue(includeBatch)!, ct) ? $"included {name}" : $"{name} was not excluded");
            return 0;
        });

        var listStore = CommonOptions.Store();
        var listProject = new Argument<string>("project") { Description = "project name" };
        var list = new Command("excluded", "List a project's excluded batches.") { listProject, listStore };
        list.SetAction(async (parse, ct) =>
        {
            await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(listStore), ct);
            var api = pipeline.Services.GetRequiredService<BatchesApi>();
            foreach (var e in await api.ListExcludedAsync(parse.GetValue(listProject)!, ct))
                System.Console.Out.WriteLine($"{e.Batch}\t{e.At:u}\t{e.By}\t{e.Reason}");
            return 0;
        });

        command.Subcommands.Add(exclude);
        command.Subcommands.Add(include);
        command.Subcommands.Add(list);
        return command;
    }
}
