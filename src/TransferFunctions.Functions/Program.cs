using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using TransferFunctions.Functions;

// Isolated worker: the Functions host starts this process and talks to it over gRPC. Settings come from the
// app settings (environment), the contract's TF_ prefix included (TF_Store__Kind, TF_Steps__Runner, ...).
var host = new HostBuilder()
    .ConfigureFunctionsWorkerDefaults()
    .ConfigureAppConfiguration(configuration => configuration.AddEnvironmentVariables("TF_"))
    .ConfigureServices((context, services) => services.AddTransferFunctionsApp(context.Configuration))
    .Build();
await host.RunAsync();
