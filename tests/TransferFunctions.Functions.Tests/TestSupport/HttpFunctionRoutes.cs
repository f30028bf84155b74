using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TransferFunctions.Functions.Tests.TestSupport;

/// <summary>
/// Sends a request to the app's HTTP functions as the Functions host routes and binds it, without the host: the function
/// is found by the method and the <see cref="HttpTriggerAttribute.Route"/> of its trigger under the host's
/// <see cref="RoutePrefix"/>, made from the app's services, and called with the request, the route values by parameter
/// name, the Durable client and a cancellation token. Route values are percent-decoded except for an encoded '/',
/// which stays as sent, as ASP.NET Core routing (the host's) leaves it.
/// </summary>
public sealed class HttpFunctionRoutes(DurableTestApp app)
{
    /// <summary>The Functions host's default route prefix (host.json sets no other).</summary>
    public const string RoutePrefix = "api";

    private static readonly IReadOnlyList<Route> Routes = typeof(FunctionsAppServices).Assembly.GetTypes()
        .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(function => (Type: type, Function: function)))
        .Where(f => f.Function.GetCustomAttribute<FunctionAttribute>() is not null)
        .Select(f => (f.Type, f.Function, Trigger: f.Function.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(t => t is not null)))
        .Where(f => f.Trigger is not null)
        .Select(f => new Route(f.Type, f.Function, f.Trigger!, $"{RoutePrefix}/{f.Trigger!.Route}".Split('/')))
        .ToList();

    /// <summary>The trigger of the function that serves <paramref name="method"/> <paramref name="path"/> (its key level, its route).</summary>
    public HttpTriggerAttribute TriggerOf(string method, string path) => Match(method, path).Route.Trigger;

    /// <summary>Calls the function that serves <paramref name="method"/> <paramref name="path"/> and returns its response.</summary>
    public async Task<TestHttpResponseData> SendAsync(string method, string path, string? body = null, params (string Name, string Value)[] headers)
    {
        var (route, values) = Match(method, path);
        var request = new TestHttpRequestData(new TestFunctionContext(), method.ToUpperInvariant(), path, body, headers.Select(h => KeyValuePair.Create(h.Name, h.Value)));
        var arguments = route.Function.GetParameters().Select(p =>
            p.ParameterType == typeof(HttpRequestData) ? (object?)request
            : p.ParameterType == typeof(CancellationToken) ? (object?)CancellationToken.None
            : p.GetCustomAttribute<DurableClientAttribute>() is not null ? (object?)app.Client
            : p.ParameterType == typeof(string) ? values.GetValueOrDefault(p.Name!)
            : throw new InvalidOperationException($"{route.Function.Name} binds '{p.Name}' ({p.ParameterType.Name}), which this router does not.")).ToArray();
        var instance = ActivatorUtilities.CreateInstance(app.Provider, route.Class);
        return (TestHttpResponseData)await (Task<HttpResponseData>)route.Function.Invoke(instance, arguments)!;
    }

    private static (Route Route, Dictionary<string, object?> Values) Match(string method, string path)
    {
        var segments = path.TrimStart('/').Split('/');
        var matches = Routes.Where(r => r.Trigger.Methods?.Contains(method, StringComparer.OrdinalIgnoreCase) ?? true)
            .Select(r => (Route: r, Values: r.Bind(segments))).Where(m => m.Values is not null).ToList();
        return matches switch
        {
            [var one] => (one.Route, one.Values!),
            [] => throw new InvalidOperationException($"No HTTP function serves {method} {path}."),
            _ => throw new InvalidOperationException($"{method} {path} matches several functions: {string.Join(", ", matches.Select(m => m.Route.Function.Name))}."),
        };
    }

    private sealed record Route(Type Class, MethodInfo Function, HttpTriggerAttribute Trigger, string[] Template)
    {
        /// <summary>The route values when <paramref name="segments"/> match the template, else null.</summary>
        public Dictionary<string, object?>? Bind(string[] segments)
        {
            var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < Template.Length; i++)
            {
                var part = Template[i];
                if (part.StartsWith("{*", StringComparison.Ordinal))
                {
                    var rest = string.Join('/', segments.Skip(i).Select(Decode));
                    values[part[2..^1]] = rest.Length == 0 ? null : rest;
                    return values;
                }

                if (i >= segments.Length) return null;
                if (part.StartsWith('{')) values[part[1..^1]] = Decode(segments[i]);
                else if (!part.Equals(segments[i], StringComparison.OrdinalIgnoreCase)) return null;
            }

            return segments.Length == Template.Length ? values : null;
        }

        private static string Decode(string segment) => Uri.UnescapeDataString(segment.Replace("%2F", "%252F", StringComparison.OrdinalIgnoreCase));
    }
}
