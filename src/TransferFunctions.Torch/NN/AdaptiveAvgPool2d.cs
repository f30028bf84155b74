namespace TransferFunctions.Torch.NN;

public sealed class AdaptiveAvgPool2d : Lambda
{
    public AdaptiveAvgPool2d(long height, long width) : base(x => Functional.AdaptiveAvgPool2d(x, height, width)) { }
}
