using TransferFunctions.Cli.Bench;

namespace TransferFunctions.Cli.Tests.Bench;

public sealed class RenderedLettersTests
{
    [Fact]
    public void Letters_render_reproducibly_with_no_font_family_in_both_train_and_test()
    {
        var a = RenderedLetters.Render(size: 32);
        var b = RenderedLetters.Render(size: 32);

        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Count * 32 * 32, a.Pixels.Length);
        // Family = the font name before its file name; a family's files all land on one side.
        var families = a.Fonts.Select((f, i) => (Family: f[..f.LastIndexOf(' ')], Test: a.IsTest[i])).Distinct().GroupBy(x => x.Family);
        Assert.All(families, g => Assert.Single(g));
        Assert.Contains(true, a.IsTest);
        Assert.Contains(false, a.IsTest);
        // Every letter appears once per font, and every glyph has ink.
        Assert.All(a.Labels.GroupBy(l => l), g => Assert.Equal(a.Count / RenderedLetters.Letters.Length, g.Count()));
        for (var i = 0; i < a.Count; i++) Assert.True(a.Pixels.AsSpan(i * 32 * 32, 32 * 32).IndexOfAnyExcept((byte)0) >= 0, $"image {i} ({a.Fonts[i]}) is blank");
    }
}
