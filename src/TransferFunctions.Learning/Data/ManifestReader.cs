using System.Text.Json;

namespace TransferFunctions.Learning.Data;

/// <summary>
/// Reads CSV and JSON Lines manifests. Fields: <c>path</c> and <c>label</c> (required), <c>split</c>
/// (train, val|validation, test; optional), <c>domain</c> (optional); any other field is an extra label
/// column for multi-task training. Paths are relative to the manifest's folder and may not leave it.
/// </summary>
public static class ManifestReader
{
    private const string PathField = "path";
    private const string LabelField = "label";
    private const string SplitField = "split";
    private const string DomainField = "domain";

    /// <summary>Reads a manifest, choosing CSV or JSON Lines by extension (<c>.csv</c>, <c>.jsonl</c>/<c>.ndjson</c>).</summary>
    public static Task<DatasetDescription> ReadAsync(string manifestPath, CancellationToken cancellationToken = default)
    {
        var extension = Path.GetExtension(manifestPath).ToLowerInvariant();
        return extension switch
        {
            ".csv" => ReadCsvAsync(manifestPath, cancellationToken),
            ".jsonl" or ".ndjson" => ReadJsonLinesAsync(manifestPath, cancellationToken),
            _ => throw new DatasetFormatException(manifestPath, null, $"unknown manifest extension '{extension}'; expected .csv or .jsonl"),
        };
    }

    /// <summary>Reads a CSV manifest with a header row (RFC 4180 quoting).</summary>
    public static async Task<DatasetDescription> ReadCsvAsync(string manifestPath, CancellationToken cancellationToken = default)
    {
        var file = Path.GetFullPath(manifestPath);
        var text = await ReadTextAsync(file, cancellationToken).ConfigureAwait(false);
        var builder = new Builder(file, DatasetFormat.CsvManifest);

        string[]? header = null;
        foreach (var record in CsvRecords.Parse(text, file))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Fields.All(string.IsNullOrWhiteSpace))
                continue;
            if (header is null)
            {
                header = ReadHeader(record, file);
                builder.SetColumns(header.Where(h => !IsKnownField(h)));
                continue;
            }
            if (record.Fields.Count != header.Length)
                throw new DatasetFormatException(file, record.Line,
                    $"{record.Fields.Count} fields but the header has {header.Length} ({string.Join(",", header)})");

            string? path = null, label = null, split = null, domain = null;
            var extras = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < header.Length; c++)
            {
                var value = record.Fields[c].Trim();
                switch (header[c])
                {
                    case PathField: path = value; break;
                    case LabelField: label = value; break;
                    case SplitField: split = value; break;
                    case DomainField: domain = value; break;
                    default:
                        if (value.Length > 0)
                            extras[header[c]] = value;
                        break;
                }
            }
            builder.Add(record.Line, path, label, split, domain, extras);
        }
        if (header is null)
            throw new DatasetFormatException(file, 1, $"missing header row; expected at least '{PathField},{LabelField}'");
        return builder.Build();
    }

    /// <summary>Reads a JSON Lines manifest: one JSON object per non-blank line.</summary>
    public static async Task<DatasetDescription> ReadJsonLinesAsync(string manifestPath, CancellationToken cancellationToken = default)
    {
        var file = Path.GetFullPath(manifestPath);
        var text = await ReadTextAsync(file, cancellationToken).ConfigureAwait(false);
        var builder = new Builder(file, DatasetFormat.JsonLinesManifest);
        var extraColumns = new SortedSet<string>(StringComparer.Ordinal);

        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (lineNumber == 1)
                line = line.TrimStart('\uFEFF');
            if (string.IsNullOrWhiteSpace(line))
                continue;

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(file, lineNumber, $"unparseable JSON: {e.Message}", e);
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new DatasetFormatException(file, lineNumber, $"expected a JSON object, found {document.RootElement.ValueKind}");

                string? path = null, label = null, split = null, domain = null;
                var extras = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    var name = property.Name.Trim().ToLowerInvariant();
                    var value = ScalarText(property.Value, property.Name, file, lineNumber);
                    switch (name)
                    {
                        case PathField: path = value; break;
                        case LabelField: label = value; break;
                        case SplitField: split = value; break;
                        case DomainField: domain = value; break;
                        default:
                            if (!string.IsNullOrEmpty(value))
                            {
                                extras[property.Name] = value;
                                extraColumns.Add(property.Name);
                            }
                            break;
                    }
                }
                if (path is null)
                    throw new DatasetFormatException(file, lineNumber, $"missing field '{PathField}'");
                if (label is null)
                    throw new DatasetFormatException(file, lineNumber, $"missing field '{LabelField}'");
                builder.Add(lineNumber, path, label, split, domain, extras);
            }
        }
        builder.SetColumns(extraColumns);
        return builder.Build();
    }

    /// <summary>Parses a split name: train, val or validation, test (case-insensitive); null for an empty value.</summary>
    public static bool TryParseSplit(string? value, out DatasetSplit? split)
    {
        split = null;
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "": return true;
            case "train": split = DatasetSplit.Train; return true;
            case "val" or "validation": split = DatasetSplit.Validation; return true;
            case "test": split = DatasetSplit.Test; return true;
            default: return false;
        }
    }

    private static async Task<string> ReadTextAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
            throw new DatasetFormatException(file, null, "manifest file does not exist");
        return await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsKnownField(string name) => name is PathField or LabelField or SplitField or DomainField;

    private static string[] ReadHeader(CsvRecord record, string file)
    {
        var header = record.Fields.Select(f => f.Trim()).ToArray();
        for (var c = 0; c < header.Length; c++)
        {
            if (IsKnownField(header[c].ToLowerInvariant()))
                header[c] = header[c].ToLowerInvariant();
            if (header[c].Length == 0)
                throw new DatasetFormatException(file, record.Line, $"header column {c + 1} has no name");
        }
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new DatasetFormatException(file, record.Line, $"header names column '{duplicate.Key}' twice");
        var missing = new[] { PathField, LabelField }.Where(required => !header.Contains(required)).ToArray();
        if (missing.Length > 0)
            throw new DatasetFormatException(file, record.Line,
                $"missing header column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; the header row must name at least '{PathField},{LabelField}' (found '{string.Join(",", header)}')");
        return header;
    }

    private static string? ScalarText(JsonElement value, string name, string file, int line) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => null,
        _ => throw new DatasetFormatException(file, line, $"field '{name}' must be a string, number or boolean, found {value.ValueKind}"),
    };

    /// <summary>Validates rows in one place for both manifest syntaxes.</summary>
    private sealed class Builder(string file, DatasetFormat format)
    {
        private readonly string _root = Path.GetDirectoryName(file)!;
        private readonly List<ExampleRecord> _examples = [];
        private readonly Dictionary<string, int> _lineOfPath = new(StringComparer.Ordinal);
        private IReadOnlyList<string> _columns = [];

        public void SetColumns(IEnumerable<string> columns) => _columns = columns.ToArray();

        public void Add(int line, string? path, string? label, string? split, string? domain, Dictionary<string, string> extras)
        {
            if (string.IsNullOrWhiteSpace(path))
                throw new DatasetFormatException(file, line, "empty path");
            if (string.IsNullOrWhiteSpace(label))
                throw new DatasetFormatException(file, line, $"empty label for '{path}'");
            if (!TryParseSplit(split, out var parsedSplit))
                throw new DatasetFormatException(file, line, $"unknown split '{split}' for '{path}'; expected train, val, validation or test");

            var full = DatasetPaths.Resolve(_root, path, file, line);
            var normalized = DatasetPaths.Normalize(_root, full);
            if (_lineOfPath.TryGetValue(normalized, out var firstLine))
                throw new DatasetFormatException(file, line, $"duplicate path '{path}' (first listed in line {firstLine})");
            _lineOfPath[normalized] = line;

            _examples.Add(new ExampleRecord
            {
                Path = normalized,
                Label = label,
                Split = parsedSplit,
                Domain = string.IsNullOrWhiteSpace(domain) ? null : domain,
                ExtraLabels = extras,
                SourceLine = line,
            });
        }

        public DatasetDescription Build() => new()
        {
            Root = _root,
            Format = format,
            Examples = _examples,
            Labels = LabelVocabulary.Build(_examples.Select(e => e.Label)),
            ExtraLabelVocabularies = LabelVocabulary.BuildExtra(_columns, _examples),
            SourceFile = file,
        };
    }
}
