using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.Messaging.Tests.Dapr;

/// <summary>
/// The publishing side of the Dapr contract: what the service asks the sidecar's gRPC API to publish,
/// observed on a recording stand-in for daprd. Real Postgres (outbox) and HTTP/2 on loopback.
/// </summary>
public sealed class DaprPublishContractTests(TestServers servers) : IAsyncLifetime
{
    private RecordingDaprSidecar _sidecar = null!;
    private WidgetHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _sidecar = await RecordingDaprSidecar.StartAsync();
        _host = await DaprWidgets.StartAsync(servers, "widgets-dapr-publisher", _sidecar.GrpcAddress);
    }

    [Fact]
    public async Task Published_events_go_to_the_sidecar_as_cloudevents_on_the_widgets_topic_with_the_widget_as_partition_key()
    {
        await _host.PublishAsync("w-7", 1, 3);

        var published = await Eventually.ReachesAsync(() => Task.FromResult(_sidecar.Published), p => p.Count >= 3, what: "three PublishEvent calls");
        await Eventually.ReachesAsync(() => _host.CountAsync("SELECT count(*) FROM outbox"), count => count == 0, what: "the outbox to drain");
        Assert.Equal(3, _sidecar.Published.Count);

        var sequence = 1;
        foreach (var request in published)
        {
            Assert.Equal("pubsub", request.PubsubName);
            Assert.Equal("widgets", request.Topic);
            Assert.Equal("application/cloudevents+json", request.DataContentType);
            Assert.Equal("w-7", Assert.Contains("partitionKey", (IDictionary<string, string>)request.Metadata));

            var cloudEvent = CloudEventSerializer.Deserialize(request.Data.Span);
            Assert.Equal(DaprWidgets.WidgetMadeType, cloudEvent.Type);
            Assert.Equal("/distribution/widgets-dapr-publisher", cloudEvent.Source);
            Assert.Equal("w-7", cloudEvent.PartitionKey);
            Assert.Equal("w-7", cloudEvent.Data.GetProperty("widgetId").GetString());
            Assert.Equal(sequence++, cloudEvent.Data.GetProperty("sequence").GetInt32());
        }

        Assert.Equal(3, published.Select(r => CloudEventSerializer.Deserialize(r.Data.Span).Id).Distinct().Count());
    }

    [Fact]
    public async Task A_replayed_dapr_dead_letter_is_published_again_with_its_original_envelope_addressed_to_its_subscriber()
    {
        var original = DaprWidgets.WidgetMade("evt-replayed", "w-3", 2);
        Assert.Equal("SUCCESS", await DaprWidgets.DeliverAsync(_host, "/dapr/dead-letters/widgets", original));

        using var client = _host.App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", WidgetHost.AdminKey);
        var listed = await client.GetFromJsonAsync<JsonElement[]>("/admin/dead-letters", TestContext.Current.CancellationToken);
        var id = Assert.Single(listed!).GetProperty("id").GetGuid();
        using var replay = await client.PostAsync($"/admin/dead-letters/{id}:replay", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);

        var published = await Eventually.ReachesAsync(() => Task.FromResult(_sidecar.Published), p => p.Count >= 1, what: "the replay to be published");
        var request = Assert.Single(published);
        Assert.Equal("widgets", request.Topic);
        Assert.Equal("w-3", request.Metadata["partitionKey"]);
        var subscription = _host.App.App.Services.GetRequiredService<MessagingIdentity>().Subscription;
        Assert.Equal(CloudEventSerializer.Serialize(original with { ReplayFor = subscription }), request.Data.ToByteArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sidecar.DisposeAsync();
    }
}
