// The whole topology under load (default) or under faults (`faults`): starts the AppHost in local infrastructure
// mode, onboards the sandbox partners through the gateway, drives signed Shopify webhooks through the gateway and
// writes a markdown fragment to --report. benchmarks/topology.sh and benchmarks/faults.sh wrap it.
using Distribution.Aspire.Topology.Benchmarks;
using Npgsql;

var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "load";
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var quick = args.Contains("--quick");
var report = Option("--report", $"topology-{mode}.md");
var repositoryRoot = Path.GetFullPath(Option("--root", Directory.GetCurrentDirectory()));

string[] orderSkus = ["SKU-0001", "SKU-0002", "SKU-0003", "SKU-0004", "SKU-0005", "SKU-0006", "SKU-0007", "SKU-0008"];
const string ProbeSku = "SKU-0010";

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

Console.WriteLine("starting the topology (AppHost, local postgres and redis-server) ...");
await using var topology = await Topology.StartAsync(cancel.Token);
await using var memory = new MemorySampler($"{repositoryRoot}/", "da-topology-bench.");
Console.WriteLine($"healthy after {topology.TimeToHealthy.TotalSeconds:0} s; onboarding partners and stock ...");
await topology.OnboardAsync([.. orderSkus, "SKU-0009", ProbeSku], 1_000_000, cancel.Token);

// The sandbox renders an order with every field real payloads carry; generated webhooks are copies of it.
var template = await topology.TemplateOrderAsync(orderSkus[0], cancel.Token);
var webhooks = new ShopifyWebhooks(topology.Gateway, template, orderSkus);
await using var orders = NpgsqlDataSource.Create(await topology.ConnectionStringAsync("ordersdb", cancel.Token));
await WaitForChannelsAsync(topology, ProbeSku, cancel.Token);

int exitCode;
if (mode == "faults")
{
    var suite = new FaultSuite(topology, webhooks, orders, orderSkus, ProbeSku, int.Parse(Option("--rate", "20"), System.Globalization.CultureInfo.InvariantCulture), repositoryRoot);
    var (text, passed) = await suite.RunAsync(quick, cancel.Token);
    await File.WriteAllTextAsync(report, text, cancel.Token);
    exitCode = passed ? 0 : 1;
}
else
{
    var rates = Option("--rates", quick ? "100,200,400" : "50,100,200,400,600").Split(',').Select(int.Parse).ToList();
    var seconds = int.Parse(Option("--step-seconds", quick ? "10" : "25"), System.Globalization.CultureInfo.InvariantCulture);
    var warmUp = int.Parse(Option("--warmup-seconds", quick ? "10" : "60"), System.Globalization.CultureInfo.InvariantCulture);
    var bench = new LoadBench(topology, webhooks, orders, memory, ProbeSku);
    await File.WriteAllTextAsync(report, await bench.RunAsync(rates, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmUp), cancel.Token), cancel.Token);
    exitCode = 0;
}

Console.WriteLine($"fragment written to {report}; stopping the topology ...");
return exitCode;

// Both channels must have been told the probe SKU once before changes to it can be timed.
static async Task WaitForChannelsAsync(Topology topology, string sku, CancellationToken cancellation)
{
    var deadline = DateTime.UtcNow.AddMinutes(2);
    while (DateTime.UtcNow < deadline)
    {
        if (await topology.ShopQuantityAsync(sku, cancellation) is not null && (await topology.AmazonQuantitiesAsync(cancellation)).ContainsKey(sku))
        {
            return;
        }

        await Task.Delay(500, cancellation);
    }

    Console.WriteLine($"warning: the channels were not told {sku} within 2 minutes");
}
