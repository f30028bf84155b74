using TransferFunctions.Pipeline.Promotion;

namespace TransferFunctions.Pipeline.Service;

/// <summary>
/// Ask for a new candidate model for <paramref name="Project"/> from the data under
/// <c>datasets/{project}/</c> (all batches that are ready, up to and including <paramref name="Batch"/>).
/// </summary>
/// <param name="Project">The project; also the registered model's name.</param>
/// <param name="Batch">The batch that triggered the run (null: every ready batch).</param>
/// <param name="Strategy">Adaptation strategy name, or "auto"; null: the project's setting, else "auto".</param>
/// <param name="BaseModel">Base model package (a registry model "name" or "name:vN", or a package directory); null: the embedded default.</param>
/// <param name="Policy">Promotion rules; null: the project's policy or the default.</param>
/// <param name="RequestedBy">Who or what asked (trigger, user, API key id), for the record.</param>
/// <param name="Steps">Training budget in optimizer steps for the candidate and the scratch baseline alike (null: the project's setting, else the strategy default).</param>
/// <param name="Seed">Seed of initialization, shuffling and augmentation.</param>
/// <param name="Device">Engine device for the compute steps (auto, cpu, cuda, cuda:N); null: the project's setting, else the host's <c>Engine:Device</c>.</param>
public sealed record AdaptationRequest(
    string Project,
    string? Batch = null,
    string? Strategy = null,
    string? BaseModel = null,
    PromotionPolicy? Policy = null,
    string? RequestedBy = null,
    int? Steps = null,
    int Seed = 0,
    string? Device = null);
