namespace TransferFunctions.Learning.Engine;

/// <summary>A device was requested that this machine does not have; raised before any work starts.</summary>
public sealed class DeviceUnavailableException : InvalidOperationException
{
    public DeviceUnavailableException(string message) : base(message) { }
}
