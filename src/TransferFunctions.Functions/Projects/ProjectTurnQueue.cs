namespace TransferFunctions.Functions.Projects;

/// <summary>
/// The runs of one project that hold or wait for its turn, oldest first (<c>projects/{project}/turns.json</c>):
/// the first one runs, the others wait for a <see cref="Orchestration.DurableNames.ProjectTurnEvent"/>.
/// </summary>
public sealed record ProjectTurnQueue(IReadOnlyList<string> Runs)
{
    public static string KeyOf(string project) => $"projects/{project}/turns.json";
}
