namespace TransferFunctions.Learning.Data;

/// <summary>A dataset file or folder is malformed; the message names the file and, where known, the line.</summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string file, int? line, string problem, Exception? inner = null)
        : base(line is { } n ? $"{file}, line {n}: {problem}" : $"{file}: {problem}", inner)
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file (or folder) at fault.</summary>
    public string File { get; }

    /// <summary>1-based line number, when the problem is in one line.</summary>
    public int? Line { get; }

    /// <summary>The problem without the location prefix.</summary>
    public string Problem { get; }
}
