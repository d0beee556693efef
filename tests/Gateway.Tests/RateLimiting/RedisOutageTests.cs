using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Gateway.Tests.RateLimiting;

/// <summary>
/// The gateway on a Redis of its own that the test kills: partners keep being served from the cached registry and
/// limited by each replica's share of their budget, never unlimited; when Redis is back, the shared budget is too.
/// </summary>
public sealed class RedisOutageTests(TestServers servers) : IAsyncLifetime
{
    private readonly int _redisPort = FreePort.Next();
    private Process _redis = null!;
    private GatewayHarness _harness = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await StartRedisAsync(_redisPort);
        _harness = await GatewayHarness.StartAsync(servers, new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = $"127.0.0.1:{_redisPort},connectTimeout=500,syncTimeout=500",
            ["Gateway:RateLimit:Replicas"] = "2",
            ["Gateway:RateLimit:FallbackSeconds"] = "1",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        Stop(_redis);
    }

    [Fact]
    public async Task With_redis_down_each_replica_limits_partners_to_its_share_and_recovers_when_redis_returns()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"], perSecond: 1, burst: 10);
        using var client = _harness.PartnerClient(partner.ApiKey);
        using var warm = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        Stop(_redis);
        var elapsed = Stopwatch.StartNew();
        var during = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
            during.Add(response.StatusCode);
        }

        // Half of the burst (two replicas share it), plus what half the rate refills meanwhile.
        var allowedDuring = during.Count(s => s == HttpStatusCode.OK);
        Assert.InRange(allowedDuring, 1, 5 + (int)Math.Ceiling(elapsed.Elapsed.TotalSeconds / 2));
        Assert.All(during, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));

        _redis = await StartRedisAsync(_redisPort);
        await WaitUntilAsync(async () =>
        {
            using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        });

        // A fresh Redis holds a full bucket again, charged by the first lease with what this replica allowed while it
        // was down (at most allowedDuring): the shared budget applies again, and the outage added no extra burst.
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        var after = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
            after.Add(response.StatusCode);
        }

        Assert.InRange(after.Count(s => s == HttpStatusCode.OK), 10 - allowedDuring, 13);
    }

    private static async Task<Process> StartRedisAsync(int port)
    {
        var redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _ = redis.StandardOutput.ReadToEndAsync();
        _ = redis.StandardError.ReadToEndAsync();
        await WaitUntilAsync(async () =>
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        });
        return redis;
    }

    private static void Stop(Process redis)
    {
        if (!redis.HasExited)
        {
            redis.Kill();
            redis.WaitForExit();
        }

        redis.Dispose();
    }

    [Fact]
    public async Task A_partners_errors_while_redis_is_down_are_reported_once_it_is_back_and_the_report_is_a_503_meanwhile()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var client = _harness.PartnerClient(partner.ApiKey);
        using var admin = _harness.AdminClient();
        using var warm = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        Stop(_redis);
        using var refused = await client.GetAsync("/v1/inventory/SKU-1", TestContext.Current.CancellationToken);
        using var report = await admin.GetAsync("/admin/partner-errors", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, report.StatusCode);
        Assert.Equal("service_unavailable", await report.ProblemCodeAsync());

        _redis = await StartRedisAsync(_redisPort);
        await WaitUntilAsync(async () =>
        {
            using var response = await admin.GetAsync("/admin/partner-errors", TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode
                && (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Contains($"\"partnerId\":\"{partner.PartnerId}\",\"errors\":1", StringComparison.Ordinal);
        });
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(100);
        }
    }
}
