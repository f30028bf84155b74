using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TransferFunctions.Torch.Tests.Support;

/// <summary>
/// Asks OpenMP to sleep rather than spin while waiting, unless the environment already chose.
/// On a 2-core machine shared with other builds, spinning OpenMP threads made a small training
/// step 15x slower (PyTorch 1.13 itself: 155 ms/step with 2 spinning threads vs 18 ms passive).
/// libgomp reads the variable once, when libtorch loads it, i.e. at the first native call, which
/// comes after this initializer. .NET's Environment.SetEnvironmentVariable would not reach native code.
/// </summary>
internal static partial class OpenMpWaitPolicy
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

#pragma warning disable CA2255 // deliberate: must run before the test assembly's first native call
    [ModuleInitializer]
    internal static void Apply() => SetEnv("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
#pragma warning restore CA2255
}
