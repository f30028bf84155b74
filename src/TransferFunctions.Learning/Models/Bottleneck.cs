using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferFunctions.Learning.Models;

/// <summary>ResNet-50's 1×1–3×3–1×1 block with 4× expansion (torchvision v1.5: stride on the 3×3).</summary>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    public const int Expansion = 4;

#pragma warning disable IDE1006
    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d bn1, bn2, bn3;
    private readonly Sequential? downsample;
#pragma warning restore IDE1006

    public Bottleneck(long inPlanes, long planes, long stride = 1) : base(nameof(Bottleneck))
    {
        var outPlanes = planes * Expansion;
        conv1 = Conv2d(inPlanes, planes, 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        conv3 = Conv2d(planes, outPlanes, 1, bias: false);
        bn3 = BatchNorm2d(outPlanes);
        if (stride != 1 || inPlanes != outPlanes)
            downsample = Sequential(Conv2d(inPlanes, outPlanes, 1, stride: stride, bias: false), BatchNorm2d(outPlanes));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var o = Layers.Chain(input, conv1.forward, bn1.forward, Layers.ReluInPlace, conv2.forward, bn2.forward, Layers.ReluInPlace,
            conv3.forward, bn3.forward);
        return Layers.AddResidualAndRelu(o, input, downsample);
    }
}
