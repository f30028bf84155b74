using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TransferFunctions.Pipeline.Tests.TestSupport;

/// <summary>
/// Loopback ports for services a test starts (Azurite, Durable Task's test sidecar), taken below the kernel's ephemeral
/// range. A port inside it (what binding port 0 returns, and most of the 30000-40000 the Durable test host picks by
/// default) can be handed to any outgoing connection on the machine whenever nothing listens on it: a service restarted
/// on its port after an outage then fails with "address in use", and a parallel test's client can take the port before
/// the service first binds it. Outside the range only listeners take ports.
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 20000;
    private static readonly ConcurrentDictionary<int, bool> Given = new();

    /// <summary>
    /// A port that no one in this process was given before and that nothing listens on now, on 127.0.0.1 and ::1 (a
    /// server bound to "localhost" takes both). Another process may still bind it first; the range is wide enough that
    /// this is rare, and <see cref="StartOnFreePortAsync"/> retries with a new port when binding fails.
    /// </summary>
    public static int Free()
    {
        var below = EphemeralRangeStart();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(Lowest, below);
            if (Given.TryAdd(port, true) && CanBind(IPAddress.Loopback, port) && (!Socket.OSSupportsIPv6 || CanBind(IPAddress.IPv6Loopback, port)))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port in {Lowest}-{below - 1}.");
    }

    /// <summary>
    /// Starts a server on a <see cref="Free"/> port; when another process bound the port first, tries again on a new one
    /// (twice at most). <paramref name="start"/> cleans up after itself when it throws.
    /// </summary>
    public static async Task<T> StartOnFreePortAsync<T>(Func<int, Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(Free());
            }
            catch (Exception e) when (attempt < 3 && IsAddressInUse(e))
            {
            }
        }
    }

    /// <summary>Whether <paramref name="e"/> says a server could not listen because its port was taken (.NET's or Node's words).</summary>
    private static bool IsAddressInUse(Exception e) => e switch
    {
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => true,
        _ when e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("EADDRINUSE", StringComparison.Ordinal) => true,
        _ => e.InnerException is not null && IsAddressInUse(e.InnerException),
    };

    /// <summary>The first port of Linux's ephemeral range (net.ipv4.ip_local_port_range), 32768 where it cannot be read.</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            var start = int.Parse(first, CultureInfo.InvariantCulture);
            return start > Lowest + 1000 ? start : 32768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }

    private static bool CanBind(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
