namespace TransferFunctions.Cli.Bench.Reliability;

/// <summary>What one fault scenario found.</summary>
/// <param name="Name">The scenario (<see cref="ProcessFaultScenarios.All"/>).</param>
/// <param name="Survived">Every expectation held: each run ended as the scenario requires, exactly once, nothing half-done.</param>
/// <param name="RunsLost">Runs that should have completed and did not.</param>
/// <param name="DuplicateVersions">Model versions beyond one per promoting run.</param>
/// <param name="Seconds">Wall time of the scenario.</param>
/// <param name="Detail">What was checked, or which expectation failed and what was seen instead.</param>
public sealed record FaultScenarioResult(string Name, bool Survived, int RunsLost, int DuplicateVersions, double Seconds, string Detail);
