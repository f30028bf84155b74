using System.Reflection;

namespace TransferFunctions.Learning;

/// <summary>The version of this code (assembly version + git commit), recorded in every model card.</summary>
public static class CodeVersion
{
    public static string Current { get; } =
        typeof(CodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
