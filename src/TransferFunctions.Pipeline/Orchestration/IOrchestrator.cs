namespace TransferFunctions.Pipeline.Orchestration;

/// <summary>
/// One orchestration, written once for both hosts. <see cref="RunAsync"/> reads top to bottom like
/// the process it drives and touches the world only through the context.
/// </summary>
public interface IOrchestrator<TInput, TOutput>
{
    Task<TOutput> RunAsync(IOrchestrationContext context, TInput input);
}
