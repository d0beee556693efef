using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.Gateway.Tests.Audit;

/// <summary>Every partner request leaves a structured log entry and metrics tagged by partner and route group.</summary>
public sealed class AuditTests(TestServers servers) : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _logs = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly MeterListener _listener = new();
    private GatewayHarness _harness = null!;

    public async ValueTask InitializeAsync()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name.StartsWith("gateway.partner.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        _listener.Start();
        _harness = await GatewayHarness.StartAsync(servers, configure: web => web.ConfigureServices(services => services.AddLogging(l => l.AddProvider(_logs))));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task A_partner_request_is_logged_and_counted_with_partner_route_status_bytes_and_correlation_id()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var client = _harness.PartnerClient(partner.ApiKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orders") { Content = new StringContent("{\"channelOrderId\":\"PO-1\"}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Correlation-Id", "audit-corr-1");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var responseLength = (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(_logs.Entries, e => e.Category == "Distribution.Aspire.Gateway.Audit" && e.Message.Contains(partner.PartnerId, StringComparison.Ordinal));
        Assert.Contains(" orders POST -> 200 ", entry.Message, StringComparison.Ordinal);
        Assert.Contains("25 B in", entry.Message, StringComparison.Ordinal);
        Assert.Contains($"{responseLength} B out", entry.Message, StringComparison.Ordinal);
        Assert.Contains("audit-corr-1", entry.Message, StringComparison.Ordinal);
        var counted = Assert.Single(_measurements, m => m.Instrument == "gateway.partner.requests" && Equals(m.Tags["partner"], partner.PartnerId));
        Assert.Equal("orders", counted.Tags["route_group"]);
        Assert.Equal(200, counted.Tags["http.response.status_code"]);
        Assert.Contains(_measurements, m => m.Instrument == "gateway.partner.response.body.size" && Equals(m.Tags["partner"], partner.PartnerId) && m.Value == responseLength);
    }

    [Fact]
    public async Task A_refused_request_is_audited_as_anonymous_without_its_key()
    {
        using var client = _harness.PartnerClient("dak_0123456789abcdef_secret-part-that-must-not-be-logged");

        using var response = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(_logs.Entries, e => e.Category == "Distribution.Aspire.Gateway.Audit" && e.Message.Contains("anonymous orders GET -> 401", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("secret-part-that-must-not-be-logged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_429_given_is_counted_by_partner_channel_and_reason()
    {
        var bursty = await _harness.CreatePartnerAsync(["orders"], perSecond: 1, burst: 1, channel: "edi");
        var quota = await _harness.CreatePartnerAsync(["orders"], perSecond: 100, burst: 100, dailyQuota: 1);
        using var burstyClient = _harness.PartnerClient(bursty.ApiKey);
        using var quotaClient = _harness.PartnerClient(quota.ApiKey);

        var limited = 0;
        for (var i = 0; i < 4; i++)
        {
            using var response = await burstyClient.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
            limited += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        using (await quotaClient.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken))
        {
        }

        using var exhausted = await quotaClient.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);

        Assert.InRange(limited, 1, 3);
        Assert.Equal(HttpStatusCode.TooManyRequests, exhausted.StatusCode);
        var rateLimited = _measurements.Where(m => m.Instrument == "gateway.partner.throttled" && Equals(m.Tags["partner"], bursty.PartnerId)).ToList();
        Assert.Equal(limited, rateLimited.Count);
        Assert.All(rateLimited, m => Assert.Equal(("rate_limited", "edi", "orders"), ((string?)m.Tags["reason"], (string?)m.Tags["channel"], (string?)m.Tags["route_group"])));
        var quotaExceeded = Assert.Single(_measurements, m => m.Instrument == "gateway.partner.throttled" && Equals(m.Tags["partner"], quota.PartnerId));
        Assert.Equal("quota_exceeded", quotaExceeded.Tags["reason"]);
    }
}
