using System.CommandLine;
using TransferFunctions.Cli.Hosting;
using TransferFunctions.Pipeline.Steps;

namespace TransferFunctions.Cli.Commands;

/// <summary>
/// `transfer step NAME --input KEY --output KEY --store DIR`: runs one pipeline step from its input
/// document to its output document (idempotent: an existing output is kept). This is what a child
/// process or a Container Apps job executes.
/// </summary>
public static class StepCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = $"step: {string.Join(", ", StepNames.All)}" };
        var input = new Option<string>("--input") { Description = "store key of the input document", Required = true };
        var output = new Option<string>("--output") { Description = "store key of the output document", Required = true };
        var store = CommonOptions.Store();
        var device = CommonOptions.Device();
        var command = new Command("step", "Run one pipeline step (used by isolated step runners).") { name, input, output, store, device };
        command.SetAction(async (parse, ct) =>
        {
            StepHostWatch.StartIfAsked(System.Console.Error);
            // Checked first: a CUDA request on a machine without CUDA fails here, before the step reads anything.
            TransferFunctions.Learning.Engine.EngineDevice.Resolve(parse.GetValue(device));
            await using var pipeline = await LocalPipeline.StartAsync(parse.GetValue(store), ct,
                settings: new Dictionary<string, string?> { [TransferFunctions.Pipeline.Hosting.CoreServiceCollectionExtensions.DeviceKey] = parse.GetValue(device) });
            var executor = pipeline.Steps.CreateInProcessExecutor();
            await StepDocuments.ExecuteAsync(pipeline.Store, executor, parse.GetValue(input)!, parse.GetValue(output)!, ct);
            return 0;
        });
        return command;
    }
}
