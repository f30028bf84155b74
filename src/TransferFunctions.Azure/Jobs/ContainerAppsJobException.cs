namespace TransferFunctions.Azure.Jobs;

/// <summary>Azure Resource Manager refused or failed a Container Apps job request (after retries where retrying made sense).</summary>
public sealed class ContainerAppsJobException : Exception
{
    public ContainerAppsJobException(string message, int status, string? errorCode, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP status of the last response.</summary>
    public int Status { get; }

    /// <summary>ARM's error code (e.g. <c>AuthorizationFailed</c>, <c>ResourceNotFound</c>), when it sent one.</summary>
    public string? ErrorCode { get; }
}
