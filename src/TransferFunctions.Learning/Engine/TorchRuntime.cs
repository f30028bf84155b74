using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace TransferFunctions.Learning.Engine;

/// <summary>
/// Process-wide engine settings applied before libtorch loads: the OpenMP wait policy and the intra-op thread count.
/// Runs as this assembly's module initializer, so any use of the learning code configures the process first.
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>Environment variable that sets the intra-op thread count (default: libtorch's, all cores).</summary>
    public const string ThreadsVariable = "TF_THREADS";

    /// <summary>OpenMP wait policy used unless the environment sets <c>OMP_WAIT_POLICY</c>.</summary>
    /// <remarks>
    /// libgomp's default spins waiting threads for a while after each parallel region; on a shared 2-core machine
    /// the spinners steal the cores the next region needs (measured 8–15× slower per step). PASSIVE makes them sleep.
    /// </remarks>
    public const string DefaultOpenMpWaitPolicy = "PASSIVE";

    private static int _configured;

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    private const int MallocArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

    /// <summary>glibc malloc arenas used unless the environment sets <c>MALLOC_ARENA_MAX</c>.</summary>
    /// <remarks>
    /// glibc gives each thread that meets contention its own arena; libtorch's worker threads then keep freed
    /// activation buffers in many arenas and resident memory creeps up step after step (measured: +100 MB over 300
    /// steps of the compact ResNet, flat with 2 arenas).
    /// </remarks>
    public const int DefaultMallocArenas = 2;

    // glibc's own (dynamic) mmap threshold stays on purpose. A fixed 1 MB threshold (MALLOC_MMAP_THRESHOLD_=1048576)
    // maps every activation buffer afresh and returns it when freed: about 400 MB less peak RSS in the engine bench's
    // epoch, but 1.5-2x slower steps on a quiet machine (18.5 s vs 11.2 s; the kernel zeroes every new page). Memory-tight
    // hosts can still set it in the environment; it is measured in docs/engine.md.

    /// <summary>The TorchSharp package this build uses (its version and libtorch's).</summary>
    public static string PackageDescription => $"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)} with libtorch {LibTorchVersion}";

    /// <summary>libtorch's version as PyTorch prints it (e.g. 2.10.0).</summary>
    public static string LibTorchVersion
    {
        get
        {
            EnsureConfigured();
            var v = torch.__version__;
            return v.Count(c => c == '.') > 2 ? v[..v.LastIndexOf('.')] : v;
        }
    }

#pragma warning disable CA2255 // a library module initializer on purpose: libgomp reads its environment once, when libtorch loads
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => SetEnvironment();

    private static void SetEnvironment()
    {
        // .NET's Environment.SetEnvironmentVariable does not reach the C runtime's environ, which libgomp reads.
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            SetEnv("OMP_WAIT_POLICY", DefaultOpenMpWaitPolicy, 0);
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null)
            MallOpt(MallocArenaMax, DefaultMallocArenas);
    }

    /// <summary>Returns the free pages of every glibc malloc arena to the system (<c>malloc_trim(0)</c>); elsewhere a no-op.</summary>
    /// <remarks>
    /// glibc keeps freed chunks in its arenas, and which arena a thread's allocation lands in depends on contention, so
    /// resident memory steps up and down with scheduling, not with what is live. After a trim it follows what is live.
    /// It does not collect managed garbage: a tensor left to its finalizer still counts, as it does for a user.
    /// </remarks>
    public static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (EntryPointNotFoundException) { } // a C library without malloc_trim (musl): nothing to give back this way
    }

    /// <summary>Loads libtorch (once) and applies <see cref="ThreadsVariable"/>.</summary>
    public static void EnsureConfigured()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        SetEnvironment();
        if (int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out var threads) && threads > 0)
            torch.set_num_threads(threads);
    }
}
