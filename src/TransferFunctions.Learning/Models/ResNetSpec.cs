namespace TransferFunctions.Learning.Models;

/// <summary>The shape of a ResNet: block kind, blocks per stage, stage widths, stem, input channels.</summary>
public sealed record ResNetSpec(string Name, bool Bottleneck, int[] BlocksPerStage, int[] Widths, bool ImageNetStem, int InputChannels)
{
    /// <summary>The compact net for small images (28×28): 3×3 stem, one basic block per stage, widths 32/64/128.</summary>
    public static ResNetSpec Compact(int inputChannels = 1) => new("compact-resnet", false, new[] { 1, 1, 1 }, new[] { 32, 64, 128 }, false, inputChannels);

    public static ResNetSpec ResNet18(int inputChannels = 3) => new("resnet18", false, new[] { 2, 2, 2, 2 }, new[] { 64, 128, 256, 512 }, true, inputChannels);

    public static ResNetSpec ResNet34(int inputChannels = 3) => new("resnet34", false, new[] { 3, 4, 6, 3 }, new[] { 64, 128, 256, 512 }, true, inputChannels);

    public static ResNetSpec ResNet50(int inputChannels = 3) => new("resnet50", true, new[] { 3, 4, 6, 3 }, new[] { 64, 128, 256, 512 }, true, inputChannels);

    public static ResNetSpec ByName(string name, int inputChannels) => name switch
    {
        "compact-resnet" => Compact(inputChannels),
        "resnet18" => ResNet18(inputChannels),
        "resnet34" => ResNet34(inputChannels),
        "resnet50" => ResNet50(inputChannels),
        _ when BasicBlocks(name, inputChannels) is { } basic => basic,
        _ => throw new ArgumentException($"unknown architecture '{name}': known are compact-resnet, resnet18, resnet34, resnet50, resnet-basic-A-B-C-D"),
    };

    /// <summary>
    /// <c>resnet-basic-A-B-C-D</c>: an ImageNet-stem basic-block ResNet with torchvision's widths and A..D blocks per
    /// stage, for imported graphs whose depth is none of torchvision's (CNTK's "ResNet-18" is resnet-basic-2-2-2-3).
    /// </summary>
    public static ResNetSpec? BasicBlocks(string name, int inputChannels)
    {
        const string prefix = "resnet-basic-";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var parts = name[prefix.Length..].Split('-');
        var blocks = new int[parts.Length];
        if (parts.Length != 4 || parts.Where((p, i) => !int.TryParse(p, out blocks[i]) || blocks[i] < 1).Any()) return null;
        return new(name, false, blocks, new[] { 64, 128, 256, 512 }, true, inputChannels);
    }

    public long FeatureDimension => Widths[^1] * (Bottleneck ? Models.Bottleneck.Expansion : BasicBlock.Expansion);
}
