using System.Text;

namespace TransferFunctions.Learning.Data;

/// <summary>One CSV record with the 1-based line it starts on.</summary>
internal readonly record struct CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// RFC 4180 tokenizer: comma-separated, fields optionally in double quotes, "" escapes a quote, quoted fields
/// may span lines, records end at LF or CRLF. Blank lines are skipped.
/// </summary>
internal static class CsvRecords
{
    public static IEnumerable<CsvRecord> Parse(string text, string file)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = 0;
        if (text.Length > 0 && text[0] == '\uFEFF')
            i = 1;
        var atFieldStart = true;
        var sawAnything = false;

        while (i < text.Length)
        {
            var c = text[i];
            if (atFieldStart && c == '"')
            {
                var quoteLine = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                        throw new DatasetFormatException(file, quoteLine, "unterminated quoted field (a '\"' opens a field that never closes)");
                    var q = text[i];
                    if (q == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (q == '\n')
                        line++;
                    field.Append(q);
                    i++;
                }
                sawAnything = true;
                atFieldStart = false;
                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    throw new DatasetFormatException(file, line, $"unexpected character '{text[i]}' after a closing quote; quote the whole field");
                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    atFieldStart = true;
                    sawAnything = true;
                    i++;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    i++;
                    break;
                case '\n':
                    if (sawAnything || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        yield return new CsvRecord(recordLine, fields.ToArray());
                    }
                    fields.Clear();
                    field.Clear();
                    atFieldStart = true;
                    sawAnything = false;
                    line++;
                    recordLine = line;
                    i++;
                    break;
                default:
                    if (c == '"')
                        throw new DatasetFormatException(file, line, "a '\"' inside an unquoted field; quote the field and double the quote");
                    field.Append(c);
                    atFieldStart = false;
                    i++;
                    break;
            }
        }
        if (sawAnything || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return new CsvRecord(recordLine, fields.ToArray());
        }
    }

    /// <summary>Formats one record, quoting fields that hold a comma, quote, line break or edge whitespace.</summary>
    public static string Format(IEnumerable<string> fields) => string.Join(',', fields.Select(Quote));

    private static string Quote(string field) =>
        field.Length > 0 && (field.IndexOfAny([',', '"', '\r', '\n']) >= 0 || char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1]))
            ? $"\"{field.Replace("\"", "\"\"")}\""
            : field;
}
