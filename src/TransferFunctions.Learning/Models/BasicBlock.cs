using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferFunctions.Learning.Models;

/// <summary>ResNet's two-convolution residual block (torchvision's <c>BasicBlock</c>, same parameter names).</summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    // Field names are the state-dict names (RegisterComponents uses them): conv1, bn1, conv2, bn2, downsample.
#pragma warning disable IDE1006
    private readonly Conv2d conv1, conv2;
    private readonly BatchNorm2d bn1, bn2;
    private readonly Sequential? downsample;
#pragma warning restore IDE1006

    public BasicBlock(long inPlanes, long planes, long stride = 1) : base(nameof(BasicBlock))
    {
        conv1 = Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
            downsample = Sequential(Conv2d(inPlanes, planes, 1, stride: stride, bias: false), BatchNorm2d(planes));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        // Each intermediate is released as soon as it is consumed (autograd keeps what it needs natively), so
        // activations are freed and reused as in PyTorch instead of waiting for the step's dispose scope.
        var o = Layers.Chain(input, conv1.forward, bn1.forward, Layers.ReluInPlace, conv2.forward, bn2.forward);
        return Layers.AddResidualAndRelu(o, input, downsample);
    }
}
