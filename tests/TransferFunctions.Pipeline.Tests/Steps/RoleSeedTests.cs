using TransferFunctions.Pipeline.Steps;

namespace TransferFunctions.Pipeline.Tests.Steps;

public sealed class RoleSeedTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(41)]
    public void Scratch_trains_with_its_own_seed_and_the_candidate_with_the_runs(int runSeed)
    {
        var scratch = TrainingSteps.RoleSeed(runSeed, TrainingSteps.ScratchRole);
        Assert.Equal(runSeed, TrainingSteps.RoleSeed(runSeed, TrainingSteps.CandidateRole));
        Assert.Equal(scratch, TrainingSteps.RoleSeed(runSeed, TrainingSteps.ScratchRole));
        // The candidate's phases shuffle with the run's seed plus the phase index: none may be scratch's.
        for (var phase = 0; phase <= 16; phase++) Assert.NotEqual(runSeed + phase, scratch);
        Assert.True(scratch >= 0);
    }
}
