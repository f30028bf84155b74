using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;
using TransferFunctions.Learning.Engine;

namespace TransferFunctions.Learning.Data;

public static partial class EmbeddingReader
{
    /// <summary>Tensor holding the feature vectors, float32 [n, d].</summary>
    public const string FeaturesTensor = "features";

    /// <summary>Tensor holding class indices, int64 [n].</summary>
    public const string LabelsTensor = "labels";

    /// <summary>Metadata key holding the class names as a JSON list of strings.</summary>
    public const string LabelsMetadata = "labels";

    /// <summary>
    /// Reads embeddings from safetensors: <c>features</c> float32 [n, d], <c>labels</c> int64 [n], and the class
    /// names as a JSON list in the metadata entry <c>labels</c>.
    /// </summary>
    public static async Task<DatasetDescription> ReadSafetensorsAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = Path.GetFullPath(path);
        if (!File.Exists(file))
            throw new DatasetFormatException(file, null, "embeddings file does not exist");
        var bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);

        SafetensorsFile contents;
        try
        {
            contents = Safetensors.Deserialize(bytes, file);
        }
        catch (Exception e) when (e is InvalidDataException or System.Runtime.InteropServices.ExternalException or NotSupportedException)
        {
            throw new DatasetFormatException(file, null, e.Message, e);
        }
        using (contents)
        {
            var features = Require(contents, FeaturesTensor, ScalarType.Float32, 2, file);
            var labels = Require(contents, LabelsTensor, ScalarType.Int64, 1, file);
            var count = checked((int)features.shape[0]);
            var dimension = checked((int)features.shape[1]);
            if (labels.shape[0] != count)
                throw new DatasetFormatException(file, null, $"'{LabelsTensor}' has {labels.shape[0]} entries but '{FeaturesTensor}' has {count} rows");
            if (dimension == 0)
                throw new DatasetFormatException(file, null, $"'{FeaturesTensor}' has zero columns");

            var classNames = ReadClassNames(contents, file);
            var labelValues = labels.data<long>().ToArray();
            var examples = new ExampleRecord[count];
            for (var i = 0; i < count; i++)
            {
                if (labelValues[i] < 0 || labelValues[i] >= classNames.Count)
                    throw new DatasetFormatException(file, null,
                        $"row {i} has label {labelValues[i]}, outside the {classNames.Count} class names in metadata '{LabelsMetadata}'");
                examples[i] = new ExampleRecord { Index = i, Label = classNames[(int)labelValues[i]] };
            }
            var values = features.data<float>().ToArray();
            var firstBad = Array.FindIndex(values, v => !float.IsFinite(v));
            if (firstBad >= 0)
                throw new DatasetFormatException(file, null, $"feature [{firstBad / dimension}, {firstBad % dimension}] is {values[firstBad]}, not a finite number");

            return new DatasetDescription
            {
                Root = Path.GetDirectoryName(file)!,
                Format = DatasetFormat.EmbeddingsSafetensors,
                Examples = examples,
                Labels = classNames,
                SourceFile = file,
                Embeddings = new EmbeddingMatrix(values, count, dimension),
            };
        }
    }

    private static Tensor Require(SafetensorsFile contents, string name, ScalarType dtype, int rank, string file)
    {
        if (!contents.Tensors.TryGetValue(name, out var tensor))
            throw new DatasetFormatException(file, null,
                $"no tensor '{name}' (present: {string.Join(", ", contents.Tensors.Keys)}); expected '{FeaturesTensor}' float32 [n,d] and '{LabelsTensor}' int64 [n]");
        if (tensor.dtype != dtype || tensor.dim() != rank)
            throw new DatasetFormatException(file, null,
                $"tensor '{name}' is {tensor.dtype} [{string.Join(", ", tensor.shape)}], expected {dtype} with {rank} dimension(s)");
        return tensor;
    }

    private static IReadOnlyList<string> ReadClassNames(SafetensorsFile contents, string file)
    {
        if (!contents.Metadata.TryGetValue(LabelsMetadata, out var json))
            throw new DatasetFormatException(file, null, $"metadata has no '{LabelsMetadata}' entry (a JSON list of class names)");
        try
        {
            var names = JsonSerializer.Deserialize<string[]>(json);
            if (names is null || names.Length == 0 || names.Any(string.IsNullOrWhiteSpace))
                throw new DatasetFormatException(file, null, $"metadata '{LabelsMetadata}' must be a non-empty JSON list of non-empty class names");
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
                throw new DatasetFormatException(file, null, $"metadata '{LabelsMetadata}' names a class twice");
            return names;
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(file, null, $"metadata '{LabelsMetadata}' is not a JSON list of strings: {e.Message}", e);
        }
    }
}
