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
        // Each intermediate handle is released as soon as it is consumed (autograd keeps what it needs
        // natively), so activations are freed and reused like in PyTorch instead of waiting for a scope.
        var o = Layers.Chain(input, _conv1.Forward, _bn1.Forward, Functional.ReluInPlace, _conv2.Forward, _bn2.Forward);
        return Layers.AddResidualAndRelu(o, input, _downsample);
    }
}
