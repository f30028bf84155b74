using TransferFunctions.Pipeline.Api;

namespace TransferFunctions.Pipeline.Tests.Api;

public sealed class ReportFilesTests
{
    [Theory]
    [InlineData("0x8DC1", "\"0x8DC1\"")]
    [InlineData("\"0x8DC1\"", "\"0x8DC1\"")] // Blob ETags come quoted already; they are not quoted twice
    public void A_store_etag_becomes_one_quoted_entity_tag(string stored, string expected) =>
        Assert.Equal(expected, ReportFiles.EntityTag(stored));

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("\"abc\"", true)]
    [InlineData("W/\"abc\"", true)] // If-None-Match compares weakly
    [InlineData("\"x\", \"abc\"", true)]
    [InlineData("\"x\",W/\"abc\"", true)]
    [InlineData("*", true)]
    [InlineData("\"abcd\"", false)]
    [InlineData("abc", false)] // an unquoted value is not an entity tag
    [InlineData("\"x\", \"y\"", false)]
    public void If_none_match_names_the_current_tag_or_any(string? header, bool notModified) =>
        Assert.Equal(notModified, ReportFiles.IsNotModified(header, "\"abc\""));
}
