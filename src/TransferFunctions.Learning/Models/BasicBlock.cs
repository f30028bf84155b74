using TransferFunctions.Torch;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Learning.Models;

/// <summary>ResNet's two-convolution residual block (torchvision's <c>BasicBlock</c>, same parameter names).</summary>
public sealed class BasicBlock : Module
{
    public const int Expansion = 1;

    private readonly Conv2d _conv1, _conv2;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Sequential? _downsample;

    public BasicBlock(long inPlanes, long planes, long stride = 1)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inPlanes, planes, 3, stride, padding: 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, 1, padding: 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        if (stride != 1 || inPlanes != planes)
            _downsample = RegisterModule("downsample", new Sequential(new Conv2d(inPlanes, planes, 1, stride, bias: false), new BatchNorm2d(planes)));
    }

    public override Tensor Forward(Tensor input)
    {
        var o = Functional.ReluInPlace(_bn1.Forward(_conv1.Forward(input)));
        o = _bn2.Forward(_conv2.Forward(o));
        var identity = _downsample?.Forward(input) ?? input;
        return Functional.ReluInPlace(o.AddInPlace(identity));
    }
}
