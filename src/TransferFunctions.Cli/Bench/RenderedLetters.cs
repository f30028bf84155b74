using System.Security.Cryptography;
using System.Text;
using SkiaSharp;

namespace TransferFunctions.Cli.Bench;

/// <summary>
/// A notMNIST-like target neither base has seen: the letters A–J, one grayscale image per letter per installed font file
/// (TrueType/OpenType under /usr/share/fonts, from the font packages <c>./tf setup</c> installs), white glyph on black,
/// scaled to fit and centred. The split is by font family (a SHA-256 of the family name), so no family is in both train
/// and test; files are read in sorted order, so the same fonts give the same images.
/// </summary>
public sealed record RenderedLetters(byte[] Pixels, int Size, int[] Labels, string[] Fonts, bool[] IsTest)
{
    public static readonly string[] Letters = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"];
    public const string FontRoot = "/usr/share/fonts";

    /// <summary>Families whose code points A–J draw symbols, not letters (URW's symbol and dingbat fonts).</summary>
    private static readonly HashSet<string> SymbolFamilies = new(StringComparer.OrdinalIgnoreCase) { "Standard Symbols PS", "D050000L" };

    /// <summary>One family in this many goes to test (chosen by hash, stable across machines).</summary>
    public const int TestFamilyEvery = 4;

    public static RenderedLetters Render(int size = 64, string fontRoot = FontRoot)
    {
        var files = Directory.Exists(fontRoot)
            ? Directory.EnumerateFiles(fontRoot, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".ttf", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".otf", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList()
            : [];
        var pixels = new List<byte>();
        var labels = new List<int>();
        var fonts = new List<string>();
        var test = new List<bool>();
        foreach (var file in files)
        {
            using var typeface = SKTypeface.FromFile(file);
            if (typeface is null || SymbolFamilies.Contains(typeface.FamilyName)) continue;
            using var font = new SKFont(typeface, size);
            if (font.GetGlyphs(string.Concat(Letters)).Any(g => g == 0)) continue;
            var isTest = SHA256.HashData(Encoding.UTF8.GetBytes(typeface.FamilyName))[0] % TestFamilyEvery == 0;
            for (var l = 0; l < Letters.Length; l++)
            {
                pixels.AddRange(Glyph(font, Letters[l], size));
                labels.Add(l);
                fonts.Add($"{typeface.FamilyName} {Path.GetFileNameWithoutExtension(file)}");
                test.Add(isTest);
            }
        }
        if (labels.Count == 0) throw new InvalidOperationException($"no TrueType/OpenType fonts with the letters A-J under {fontRoot}; `./tf setup` installs the font packages");
        return new RenderedLetters(pixels.ToArray(), size, labels.ToArray(), fonts.ToArray(), test.ToArray());
    }

    public int Count => Labels.Length;

    private static byte[] Glyph(SKFont font, string letter, int size)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            font.MeasureText(letter, out var bounds);
            // Fit the glyph's box into 80% of the image, keeping its aspect ratio, and centre it.
            var scale = 0.8f * size / Math.Max(bounds.Width, bounds.Height);
            canvas.Translate(size / 2f, size / 2f);
            canvas.Scale(scale);
            canvas.Translate(-bounds.MidX, -bounds.MidY);
            using var paint = new SKPaint { Color = SKColors.White, IsAntialias = true };
            canvas.DrawText(letter, 0, 0, SKTextAlign.Left, font, paint);
        }
        return bitmap.Bytes;
    }
}
