using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Core;

namespace Distribution.Aspire.InventoryService.Tests;

/// <summary>Each test gets its own database, its own Redis key prefix and a running replica.</summary>
public abstract class InventoryTestBase(TestServers servers) : IAsyncLifetime
{
    private readonly List<InventoryHost> _hosts = [];

    protected TestServers Servers { get; } = servers;

    protected string ConnectionString { get; private set; } = string.Empty;

    protected string KeyPrefix { get; } = $"t{Guid.NewGuid():N}"[..12] + ":";

    protected InventoryHost Host => _hosts[0];

    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public virtual async ValueTask InitializeAsync()
    {
        ConnectionString = await Servers.CreateDatabaseAsync("inventory");
        await StartReplicaAsync();
    }

    protected async Task<InventoryHost> StartReplicaAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var host = await InventoryHost.StartAsync(ConnectionString, Servers.RedisConnectionString, KeyPrefix, $"replica-{_hosts.Count + 1}", overrides ?? Settings);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Stops a replica for good, as a deployment or a crash-free restart would.</summary>
    protected async Task StopReplicaAsync(InventoryHost host)
    {
        _hosts.Remove(host);
        await host.DisposeAsync();
    }

    protected static ReserveOrderRequest Order(Guid orderId, string channel, params (string LineId, string Sku, int Quantity)[] lines)
    {
        var request = new ReserveOrderRequest { OrderId = orderId.ToString(), Channel = channel };
        request.Lines.AddRange(lines.Select(l => new ReservationLine { LineId = l.LineId, Sku = l.Sku, Quantity = l.Quantity }));
        return request;
    }

    protected static string ErrorCode(RpcException exception) => exception.Trailers.GetValue("error-code") ?? "(none)";

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
