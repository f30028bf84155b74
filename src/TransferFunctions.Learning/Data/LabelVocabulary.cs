using System.Globalization;

namespace TransferFunctions.Learning.Data;

/// <summary>Builds label vocabularies in one canonical order, so class indices do not depend on file order.</summary>
internal static class LabelVocabulary
{
    /// <summary>
    /// Distinct labels, numerically ordered when every label is an integer ("2" before "10"), else ordinal.
    /// </summary>
    public static IReadOnlyList<string> Build(IEnumerable<string> labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 0 && distinct.All(l => long.TryParse(l, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
            return distinct.OrderBy(l => long.Parse(l, CultureInfo.InvariantCulture)).ThenBy(l => l, StringComparer.Ordinal).ToArray();
        return distinct.OrderBy(l => l, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Vocabularies for each extra label column found in <paramref name="examples"/>.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> BuildExtra(IEnumerable<string> columns, IReadOnlyList<ExampleRecord> examples)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var column in columns)
            result[column] = Build(examples.Select(e => e.ExtraLabels.TryGetValue(column, out var v) ? v : null).OfType<string>());
        return result;
    }
}
