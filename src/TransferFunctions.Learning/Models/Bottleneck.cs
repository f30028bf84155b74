using TransferFunctions.Torch;
using TransferFunctions.Torch.NN;

namespace TransferFunctions.Learning.Models;

/// <summary>ResNet-50's 1×1–3×3–1×1 block with 4× expansion (torchvision v1.5: stride on the 3×3).</summary>
public sealed class Bottleneck : Module
{
    public const int Expansion = 4;

    private readonly Conv2d _conv1, _conv2, _conv3;
    private readonly BatchNorm2d _bn1, _bn2, _bn3;
    private readonly Sequential? _downsample;

    public Bottleneck(long inPlanes, long planes, long stride = 1)
    {
        var outPlanes = planes * Expansion;
        _conv1 = RegisterModule("conv1", new Conv2d(inPlanes, planes, 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, stride, padding: 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        _conv3 = RegisterModule("conv3", new Conv2d(planes, outPlanes, 1, bias: false));
        _bn3 = RegisterModule("bn3", new BatchNorm2d(outPlanes));
        if (stride != 1 || inPlanes != outPlanes)
            _downsample = RegisterModule("downsample", new Sequential(new Conv2d(inPlanes, outPlanes, 1, stride, bias: false), new BatchNorm2d(outPlanes)));
    }

    public override Tensor Forward(Tensor input)
    {
        var o = Layers.Chain(input, _conv1.Forward, _bn1.Forward, Functional.ReluInPlace, _conv2.Forward, _bn2.Forward, Functional.ReluInPlace,
            _conv3.Forward, _bn3.Forward);
        return Layers.AddResidualAndRelu(o, input, _downsample);
    }
}
