namespace TransferFunctions.Pipeline.Tests.TestSupport;

/// <summary>Polls a condition, failing with what was awaited after the timeout.</summary>
public static class ServeTestWait
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
