namespace TransferFunctions.Torch.NN;

/// <summary>Applies a parameter-free function; the building block of the activation and pooling layers.</summary>
public class Lambda : Module
{
    private readonly Func<Tensor, Tensor> _function;

    public Lambda(Func<Tensor, Tensor> function) => _function = function;

    public override Tensor Forward(Tensor input) => _function(input);
}
