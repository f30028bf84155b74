using TransferFunctions.Learning.Engine;
using TransferFunctions.Learning.Models;

namespace TransferFunctions.Importers.Torchvision;

/// <summary>
/// Loads a PyTorch state dict saved as safetensors in torchvision's ResNet layout (<c>conv1.weight</c>,
/// <c>layer1.0.bn1.running_mean</c>, ..., <c>fc.weight</c>) into our <see cref="ResNet"/> by parameter name: no renaming,
/// every tensor accounted for (a missing or unexpected name, or a wrong shape, is refused with the name).
/// </summary>
public static class TorchvisionResNet
{
    /// <summary>
    /// Builds <paramref name="architecture"/> (resnet18, resnet34, resnet50) with the input channels of
    /// <c>conv1.weight</c> and the classes of <c>fc.weight</c>, and loads every tensor of <paramref name="path"/>.
    /// </summary>
    public static ResNet Load(string path, string architecture = "resnet18")
    {
        using var file = Safetensors.Load(path);
        var state = file.Tensors;
        if (!state.TryGetValue("conv1.weight", out var conv1) || !state.TryGetValue("fc.weight", out var fc))
            throw new InvalidDataException($"{path} is not a torchvision ResNet state dict: conv1.weight or fc.weight is missing");
        var model = new ResNet(ResNetSpec.ByName(architecture, (int)conv1.size(1)), (int)fc.size(0));
        try
        {
            model.LoadStateDictChecked(state);
            return model;
        }
        catch (InvalidDataException e)
        {
            model.Dispose();
            throw new InvalidDataException($"{path} does not fit torchvision's {architecture}: {e.Message}", e);
        }
    }
}
