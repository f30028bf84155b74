namespace TransferFunctions.Torch.NN;

/// <summary>Flattens dimensions <c>startDim..endDim</c> (default: all but the batch).</summary>
public sealed class Flatten : Lambda
{
    public Flatten(long startDim = 1, long endDim = -1) : base(x => x.Flatten(startDim, endDim)) { }
}
