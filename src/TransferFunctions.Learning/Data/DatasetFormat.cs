namespace TransferFunctions.Learning.Data;

/// <summary>The on-disk (or in-memory) format a <see cref="DatasetDescription"/> was read from.</summary>
public enum DatasetFormat
{
    /// <summary><c>{root}/{label}/{file}</c> image folders.</summary>
    ImageFolder,

    /// <summary>A CSV manifest with <c>path,label</c> columns (plus optional <c>split</c>, <c>domain</c>, extra labels).</summary>
    CsvManifest,

    /// <summary>A JSON Lines manifest: one object per line with the same fields as the CSV manifest.</summary>
    JsonLinesManifest,

    /// <summary>MNIST-style IDX image and label files, held in memory.</summary>
    Idx,

    /// <summary>Precomputed embeddings from a CSV file.</summary>
    EmbeddingsCsv,

    /// <summary>Precomputed embeddings from a safetensors file.</summary>
    EmbeddingsSafetensors,
}
