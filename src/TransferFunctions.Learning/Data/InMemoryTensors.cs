using TransferFunctions.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferFunctions.Learning.Data;

/// <summary>Tensors straight from a dataset's in-memory pixels (IDX imports), without per-image decoding.</summary>
public static class InMemoryTensors
{
    /// <summary>Images at <paramref name="positions"/> (example positions) as model input [N, C, H, W].</summary>
    public static Tensor Images(DatasetDescription data, IReadOnlyList<int> positions, InputSpec spec)
    {
        var images = data.Images ?? throw new ArgumentException($"{data.Root}: the dataset has no in-memory images");
        var size = images.ImageSize;
        var pixels = new byte[positions.Count * size];
        for (var i = 0; i < positions.Count; i++)
        {
            var index = data.Examples[positions[i]].Index ?? positions[i];
            images.Image(index).Span.CopyTo(pixels.AsSpan(i * size, size));
        }
        using var nhwc = torch.tensor(pixels, new long[] { positions.Count, images.Height, images.Width, images.Channels });
        return Preprocessing.ToModelInput(nhwc, spec);
    }

    /// <summary>Labels at <paramref name="positions"/> as int64 class indices in the order of <paramref name="classOrder"/> (dataset label indices).</summary>
    public static Tensor Labels(DatasetDescription data, IReadOnlyList<int> positions, IReadOnlyList<int> classOrder)
    {
        var map = classOrder.Select((c, i) => (c, i)).ToDictionary(x => data.Labels[x.c], x => (long)x.i);
        var y = positions.Select(p => map.TryGetValue(data.Examples[p].Label, out var v)
            ? v
            : throw new ArgumentException($"label '{data.Examples[p].Label}' of example {data.Examples[p].DisplayName} is not among the selected classes")).ToArray();
        return torch.tensor(y);
    }
}
