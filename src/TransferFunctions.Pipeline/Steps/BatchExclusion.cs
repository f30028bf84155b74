using TransferFunctions.Pipeline.Storage;

namespace TransferFunctions.Pipeline.Steps;

/// <summary>
/// A batch taken out of its project's data, at <c>projects/{project}/excluded/{batch}.json</c>: the validate step skips it,
/// so one bad batch no longer fails every later run of the project. The batch's files are left as they are; deleting the
/// record brings the batch back. Kept outside <c>datasets/</c> so recording it does not look like new data arriving.
/// </summary>
/// <param name="Batch">The batch's folder name under <c>datasets/{project}/</c>.</param>
/// <param name="By">Who excluded it.</param>
/// <param name="Reason">Why, in the words of whoever excluded it.</param>
/// <param name="At">When.</param>
public sealed record BatchExclusion(string Batch, string By, string? Reason, DateTimeOffset At)
{
    public static string KeyOf(string project, string batch) => $"{PrefixOf(project)}{batch}.json";

    public static string PrefixOf(string project) => $"projects/{project}/excluded/";

    /// <summary>The excluded batches of <paramref name="project"/>, by name.</summary>
    public static async Task<HashSet<string>> ListAsync(IObjectStore store, string project, CancellationToken cancellationToken)
    {
        var prefix = PrefixOf(project);
        var names = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            var rest = item.Key[prefix.Length..];
            if (rest.EndsWith(".json", StringComparison.Ordinal) && !rest.Contains('/')) names.Add(rest[..^".json".Length]);
        }
        return names;
    }
}
