using System.CommandLine;
using System.Text.Json;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Commands;

/// <summary>`transfer models list|show|rollback`.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var list = new Command("list", "List registered models with their champion.") { store, json };
        list.SetAction(async (parse, ct) =>
        {
            await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(store), ct);
            var models = new List<object>();
            if (!parse.GetValue(json)) System.Console.Out.WriteLine($"{"MODEL",-24} {"VERSIONS",8} {"CHAMPION",8} ACCURACY");
            await foreach (var name in pipeline.Service.ListModelsAsync(ct))
            {
                var m = await pipeline.Service.GetModelAsync(name, ct);
                if (m is null) continue;
                var champ = m.Champion is { } c ? m.Versions.FirstOrDefault(v => v.Version == c.Version) : null;
                var accuracy = champ?.Metrics.GetValueOrDefault("test_accuracy");
                models.Add(new { name, versions = m.Versions.Count, champion = m.Champion?.Version, accuracy });
                if (!parse.GetValue(json))
                    System.Console.Out.WriteLine($"{name,-24} {m.Versions.Count,8} {(m.Champion is null ? "-" : "v" + m.Champion.Version),8} {(accuracy is { } a ? a.ToString("P2") : "")}");
            }
            if (parse.GetValue(json)) JsonOutput.WriteLastLine(JsonSerializer.SerializeToNode(models, StoreJson.Options)!);
            return 0;
        });

        var name = new Argument<string>("name") { Description = "model (project) name" };
        var show = new Command("show", "Show a model's versions, lineage and champion history.") { name, store, json };
        show.SetAction(async (parse, ct) =>
        {
            await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(store), ct);
            var m = await pipeline.Service.GetModelAsync(parse.GetValue(name)!, ct);
            if (m is null)
            {
                System.Console.Error.WriteLine($"no model '{parse.GetValue(name)}' in {pipeline.StoreRoot}");
                return 2;
            }
            if (parse.GetValue(json))
            {
                JsonOutput.WriteLastLine(JsonSerializer.SerializeToNode(m, StoreJson.Options)!);
                return 0;
            }
            foreach (var v in m.Versions)
            {
                var mark = m.Champion?.Version == v.Version ? " (champion)" : "";
                System.Console.Out.WriteLine($"v{v.Version}{mark}: {v.Strategy} acc {v.Metrics.GetValueOrDefault("test_accuracy"):P2}, run {v.RunId}, data {v.DatasetDigest?[..Math.Min(12, v.DatasetDigest.Length)]}, base {v.BaseModel?.Name}{(v.BaseModel?.Version is { } bv ? $" v{bv}" : "")} ({v.BaseModel?.WeightsDigest[..Math.Min(19, v.BaseModel.WeightsDigest.Length)]}), {v.CreatedAt:u}");
            }
            if (m.Champion is { } c)
            {
                System.Console.Out.WriteLine($"champion v{c.Version} since {c.UpdatedAt:u}: {c.Reason}");
                foreach (var h in c.History) System.Console.Out.WriteLine($"  was v{h.Version}: {h.Reason}");
            }
            return 0;
        });

        var version = new Option<int?>("--version") { Description = "version to roll back to (default: the previous champion)" };
        var reason = new Option<string>("--reason") { Description = "why (recorded in the champion history)", DefaultValueFactory = _ => "manual rollback" };
        var rollback = new Command("rollback", "Move the champion back to the previous one (or to --version).") { name, version, reason, store };
        rollback.SetAction(async (parse, ct) =>
        {
            await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(store), ct);
            var result = await pipeline.Service.RollbackAsync(parse.GetValue(name)!, parse.GetValue(version), parse.GetValue(reason)!, ct);
            if (!result.Moved)
            {
                System.Console.Error.WriteLine($"nothing to roll back: the champion is {(result.Current is null ? "unset" : "v" + result.Current.Value.Version)}");
                return 1;
            }
            System.Console.Out.WriteLine($"{parse.GetValue(name)}: champion is now v{result.Current!.Value.Version}");
            return 0;
        });
        return new Command("models", "Inspect registered models, move their champion, import base models.") { list, show, rollback, ModelsImportCommand.Create() };
    }
}
