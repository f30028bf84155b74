using TransferFunctions.Pipeline.Orchestration;
using TransferFunctions.Pipeline.Service;
using TransferFunctions.Pipeline.Steps;
using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Cli.Hosting;

/// <summary>The local pipeline on a filesystem store: store, steps, executor and service, built one way for every command.</summary>
public sealed class LocalPipeline
{
    /// <summary>Environment variable naming the default store directory.</summary>
    public const string StoreVariable = "TF_STORE";

    public LocalPipeline(string storeRoot, StepIsolation isolation = StepIsolation.InProcess, Action<string>? schedule = null, string? device = null)
    {
        StoreRoot = Path.GetFullPath(storeRoot);
        Store = new FileSystemObjectStore(StoreRoot);
        Steps = new PipelineSteps(Store, new PipelineOptions { WorkDirectory = Path.Combine(StoreRoot, ".tfstore-work"), Device = device ?? Commands.CommonOptions.DefaultDevice });
        Executor = isolation == StepIsolation.ChildProcess
            ? new ChildProcessStepExecutor(Store, StoreRoot, SelfCommand())
            : Steps.CreateInProcessExecutor();
        Service = new AdaptationService(Store, Executor, schedule);
    }

    public string StoreRoot { get; }
    public IObjectStore Store { get; }
    public PipelineSteps Steps { get; }
    public IStepExecutor Executor { get; }
    public AdaptationService Service { get; }

    public static string DefaultStoreRoot => Environment.GetEnvironmentVariable(StoreVariable) is { Length: > 0 } s ? s : ".store";

    /// <summary>How to start this CLI again: `dotnet transfer.dll` (or the apphost when running as one).</summary>
    public static IReadOnlyList<string> SelfCommand()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "transfer.dll");
        return Environment.ProcessPath is { } exe && Path.GetFileNameWithoutExtension(exe) == "transfer"
            ? new[] { exe }
            : new[] { Environment.ProcessPath ?? "dotnet", dll };
    }
}
