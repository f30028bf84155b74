using System.Text;
using TransferFunctions.Pipeline.Api;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Api;

/// <summary>
/// The one body limit both hosts apply, at its edge: <c>transfer serve</c>'s Kestrel refuses first there, so the contract
/// cases see the core's check only on the Functions app; here it is checked on its own, also on a body produced as it
/// is read (no length to refuse up front, as with a chunked upload).
/// </summary>
public sealed class ApiBodiesTests
{
    [Fact]
    public async Task A_body_of_exactly_the_limit_is_read_and_one_byte_more_is_refused_with_the_one_message()
    {
        var padding = (int)ApiBodies.MaxBytes - "{\"by\":\"\"}".Length;
        var atLimit = Encoding.UTF8.GetBytes("{\"by\":\"" + new string('x', padding) + "\"}");

        var read = await ApiBodies.ReadRequiredAsync<ApprovalBody>(new MemoryStream(atLimit), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<ContentTooLargeException>(() => ApiBodies.ReadOptionalAsync<ApprovalBody>(new DeterministicStream(ApiBodies.MaxBytes + 1, seed: 7), CancellationToken.None));

        Assert.Equal(ApiBodies.MaxBytes, (long)atLimit.Length);
        Assert.Equal(padding, read.By!.Length);
        Assert.Equal($"The request body is larger than {ApiBodies.MaxBytes} bytes; requests are small JSON documents.", refused.Message);
        var problem = ApiErrorMapping.ToProblem(refused, "/api/adaptations/x/approve", "unused");
        Assert.Equal((413, "Content too large", refused.Message, "/api/adaptations/x/approve"), (problem.Status, problem.Title, problem.Detail, problem.Instance));
        Assert.Null(problem.CorrelationId);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \r\n\t")]
    public async Task An_empty_body_is_no_body_where_one_is_optional_and_a_400_where_it_is_required(string body)
    {
        var optional = await ApiBodies.ReadOptionalAsync<CancellationBody>(new MemoryStream(Encoding.UTF8.GetBytes(body)), CancellationToken.None);
        var required = await Assert.ThrowsAsync<InvalidRequestException>(() => ApiBodies.ReadRequiredAsync<CancellationBody>(new MemoryStream(Encoding.UTF8.GetBytes(body)), CancellationToken.None));

        Assert.Null(optional);
        Assert.StartsWith("The request body is empty", required.Message);
    }
}
