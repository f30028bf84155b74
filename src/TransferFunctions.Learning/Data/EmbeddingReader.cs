using System.Globalization;

namespace TransferFunctions.Learning.Data;

/// <summary>Reads precomputed embeddings (feature vectors with labels) into an in-memory dataset.</summary>
public static partial class EmbeddingReader
{
    /// <summary>
    /// Reads a CSV of embeddings: either headerless rows <c>label,f0,f1,...</c>, or a header row naming a
    /// <c>label</c> column (anywhere) with every other column a feature.
    /// </summary>
    public static async Task<DatasetDescription> ReadCsvAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = Path.GetFullPath(path);
        if (!File.Exists(file))
            throw new DatasetFormatException(file, null, "embeddings file does not exist");
        var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);

        var labelColumn = 0;
        int? width = null;
        string[]? columnNames = null;
        var features = new List<float>();
        var examples = new List<ExampleRecord>();
        foreach (var record in CsvRecords.Parse(text, file))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Fields.All(string.IsNullOrWhiteSpace))
                continue;
            if (width is null)
            {
                width = record.Fields.Count;
                if (width < 2)
                    throw new DatasetFormatException(file, record.Line, "an embeddings row needs a label and at least one feature");
                var named = record.Fields.Select((f, i) => (Name: f.Trim(), i)).Where(f => f.Name.Equals("label", StringComparison.OrdinalIgnoreCase)).ToList();
                if (named.Count > 0 && record.Fields.Where((_, i) => i != named[0].i).Any(f => !IsNumber(f)))
                {
                    if (named.Count > 1)
                        throw new DatasetFormatException(file, record.Line, "header names the 'label' column twice");
                    labelColumn = named[0].i;
                    columnNames = record.Fields.Select(f => f.Trim()).ToArray();
                    continue;
                }
            }
            if (record.Fields.Count != width)
                throw new DatasetFormatException(file, record.Line, $"{record.Fields.Count} fields, but the first row has {width}");

            var label = record.Fields[labelColumn].Trim();
            if (label.Length == 0)
                throw new DatasetFormatException(file, record.Line, "empty label");
            for (var c = 0; c < record.Fields.Count; c++)
            {
                if (c == labelColumn)
                    continue;
                if (!float.TryParse(record.Fields[c].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                    throw new DatasetFormatException(file, record.Line,
                        $"feature '{columnNames?[c] ?? $"column {c + 1}"}' is '{record.Fields[c]}', not a finite number");
                features.Add(value);
            }
            examples.Add(new ExampleRecord { Index = examples.Count, Label = label, SourceLine = record.Line });
        }
        if (width is null || examples.Count == 0)
            throw new DatasetFormatException(file, null, "no embedding rows");

        return new DatasetDescription
        {
            Root = Path.GetDirectoryName(file)!,
            Format = DatasetFormat.EmbeddingsCsv,
            Examples = examples,
            Labels = LabelVocabulary.Build(examples.Select(e => e.Label)),
            SourceFile = file,
            Embeddings = new EmbeddingMatrix(features.ToArray(), examples.Count, width.Value - 1),
        };
    }

    private static bool IsNumber(string field) =>
        double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
