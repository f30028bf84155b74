using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>The invocation context of an HTTP function called directly, without the Functions host.</summary>
public sealed class TestFunctionContext : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();
    public override string FunctionId { get; } = "test";
    public override TraceContext TraceContext => throw new NotSupportedException("no trace context without the host");
    public override BindingContext BindingContext => throw new NotSupportedException("no binding context without the host");
    public override RetryContext RetryContext => throw new NotSupportedException("no retry context without the host");
    public override IServiceProvider InstanceServices { get; set; } = new ServiceCollection().BuildServiceProvider();
    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException("no function definition without the host");
    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
    public override IInvocationFeatures Features => throw new NotSupportedException("no invocation features without the host");
}
