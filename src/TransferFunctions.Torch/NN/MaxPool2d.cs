namespace TransferFunctions.Torch.NN;

public sealed class MaxPool2d : Lambda
{
    public MaxPool2d(long kernelSize, long? stride = null, long padding = 0)
        : base(x => Functional.MaxPool2d(x, kernelSize, stride, padding)) { }
}
