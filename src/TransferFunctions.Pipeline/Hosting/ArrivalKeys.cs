using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TransferFunctions.Pipeline.Orchestration;

namespace TransferFunctions.Pipeline.Hosting;

/// <summary>
/// The arrival area's layout: batches under <c>datasets/{project}/{batch}/</c>, each made ready by a
/// <c>_READY</c> marker written last, and the trigger's handled records under <c>triggers/arrivals/</c>.
/// </summary>
public static class ArrivalKeys
{
    public const string DatasetsRoot = "datasets/";

    /// <summary>The file whose appearance makes a batch ready.</summary>
    public const string ReadyMarker = Learning.Data.ImageFolderReader.ReadyMarker;

    public const string HandledRoot = "triggers/arrivals/";

    private const int RunIdHashHexLength = 10;
    private const string RunIdPrefix = "batch-";

    /// <summary>The marker key of a batch.</summary>
    public static string Marker(string project, string batch) => DatasetsRoot + project + "/" + batch + "/" + ReadyMarker;

    /// <summary>The key of the trigger's <see cref="BatchArrival"/> record for a batch.</summary>
    public static string Handled(string project, string batch) => HandledRoot + project + "/" + batch + ".json";

    /// <summary>Parses <c>datasets/{project}/{batch}/_READY</c>; false for every other key (data files, deeper markers).</summary>
    public static bool TryParseMarker(string key, out string project, out string batch)
    {
        project = "";
        batch = "";
        var segments = key.Split('/');
        if (segments.Length != 4 || segments[0] + "/" != DatasetsRoot || segments[3] != ReadyMarker)
        {
            return false;
        }

        project = segments[1];
        batch = segments[2];
        return true;
    }

    /// <summary>Parses <c>triggers/arrivals/{project}/{batch}.json</c>.</summary>
    public static bool TryParseHandled(string key, out string project, out string batch)
    {
        project = "";
        batch = "";
        if (!key.StartsWith(HandledRoot, StringComparison.Ordinal) || !key.EndsWith(".json", StringComparison.Ordinal))
        {
            return false;
        }

        var segments = key[HandledRoot.Length..^".json".Length].Split('/');
        if (segments.Length != 2 || segments[0].Length == 0 || segments[1].Length == 0)
        {
            return false;
        }

        project = segments[0];
        batch = segments[1];
        return true;
    }

    /// <summary>
    /// The run id of a batch, the same on every host and after every restart, so creating its run
    /// twice creates it once: <c>batch-{project}-{batch}-{hash}</c>, readable where the names allow,
    /// with a hash of the exact names so distinct batches never share an id.
    /// </summary>
    public static string RunId(string project, string batch)
    {
        ArgumentException.ThrowIfNullOrEmpty(project);
        ArgumentException.ThrowIfNullOrEmpty(batch);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(project + "/" + batch)))[..RunIdHashHexLength];
        var readable = Sanitize(project) + "-" + Sanitize(batch);
        var room = 100 - RunIdPrefix.Length - 1 - RunIdHashHexLength;
        if (readable.Length > room)
        {
            readable = readable[..room];
        }

        var id = string.Create(CultureInfo.InvariantCulture, $"{RunIdPrefix}{readable}-{hash}");
        RunKeys.ValidateInstanceId(id);
        return id;
    }

    private static string Sanitize(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_'));
}
