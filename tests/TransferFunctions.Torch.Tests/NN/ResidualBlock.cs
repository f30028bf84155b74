using TransferFunctions.Torch.NN;

namespace TransferFunctions.Torch.Tests.NN;

/// <summary>torchvision's BasicBlock shape (conv1, bn1, conv2, bn2, optional downsample), for naming and training tests.</summary>
internal sealed class ResidualBlock : Module
{
    private readonly Conv2d _conv1, _conv2;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Sequential? _downsample;

    public ResidualBlock(long inChannels, long outChannels)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, 3, padding: 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(outChannels));
        _conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, padding: 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels));
        if (inChannels != outChannels)
            _downsample = RegisterModule("downsample", new Sequential(new Conv2d(inChannels, outChannels, 1, bias: false), new BatchNorm2d(outChannels)));
    }

    public override Tensor Forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var y = _bn2.Forward(_conv2.Forward(_bn1.Forward(_conv1.Forward(input)).Relu()));
        var shortcut = _downsample is null ? input : _downsample.Forward(input);
        return scope.MoveToOuter((y + shortcut).Relu());
    }
}
