using TransferFunctions.Pipeline.Reports;

namespace TransferFunctions.Pipeline.Tests.Reports;

public sealed class HtmlReportTests
{
    [Theory]
    [InlineData("scratch", "scratch", "scratch")]
    [InlineData("candidate", "head warm-up", "candidate: head warm-up")]
    [InlineData("candidate", "fine-tune", "candidate: fine-tune")]
    public void A_legend_entry_names_role_and_phase_once_each(string role, string phase, string expected) =>
        Assert.Equal(expected, HtmlReport.SeriesName(role, phase));
}
