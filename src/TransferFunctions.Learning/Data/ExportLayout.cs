namespace TransferFunctions.Learning.Data;

/// <summary>How <see cref="DatasetExporter"/> lays out the PNG files it writes.</summary>
public enum ExportLayout
{
    /// <summary><c>{label}/{n}.png</c>; labels are made safe as folder names ('/' becomes '-').</summary>
    ImageFolder,

    /// <summary><c>images/{n}.png</c> plus <c>manifest.csv</c> carrying labels verbatim, splits, domains and extra labels.</summary>
    CsvManifest,
}
