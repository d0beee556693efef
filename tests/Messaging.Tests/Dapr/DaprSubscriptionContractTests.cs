using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Messaging.Tests.Dapr;

/// <summary>
/// The app side of the Dapr pub/sub contract, spoken over real HTTP the way daprd speaks it: the
/// subscription list daprd reads at startup, and the deliveries it POSTs with the SUCCESS, RETRY or
/// DROP answer it acts on. Real Postgres and Redis behind the service.
/// </summary>
public sealed class DaprSubscriptionContractTests(TestServers servers) : IAsyncLifetime
{
    private const string Subscription = "widgets-dapr";
    private const string DeadLetterTopic = "widgets." + Subscription + ".dead-letters";

    private WidgetHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await DaprWidgets.StartAsync(servers, Subscription);

    [Fact]
    public async Task The_subscription_list_routes_the_widgets_topic_and_its_dead_letter_topic()
    {
        using var client = _host.App.CreateClient();
        var subscriptions = await client.GetFromJsonAsync<JsonElement[]>("/dapr/subscribe", TestContext.Current.CancellationToken);

        Assert.NotNull(subscriptions);
        Assert.Equal(2, subscriptions.Length);
        var widgets = Assert.Single(subscriptions, s => s.GetProperty("topic").GetString() == "widgets");
        Assert.Equal("pubsub", widgets.GetProperty("pubsubName").GetString());
        Assert.Equal("/dapr/events/widgets", Route(widgets));
        Assert.Equal(DeadLetterTopic, widgets.GetProperty("deadLetterTopic").GetString());

        var deadLetters = Assert.Single(subscriptions, s => s.GetProperty("topic").GetString() == DeadLetterTopic);
        Assert.Equal("pubsub", deadLetters.GetProperty("pubsubName").GetString());
        Assert.Equal("/dapr/dead-letters/widgets", Route(deadLetters));
        Assert.False(deadLetters.TryGetProperty("deadLetterTopic", out var chained) && chained.ValueKind == JsonValueKind.String, "a dead-letter topic must not have a dead-letter topic of its own");
    }

    [Fact]
    public async Task A_delivered_event_reaches_the_handler_once_and_a_redelivery_is_acknowledged_without_effect()
    {
        var cloudEvent = DaprWidgets.WidgetMade("evt-w-1", "w-1", 1);

        Assert.Equal("SUCCESS", await DaprWidgets.DeliverAsync(_host, "/dapr/events/widgets", cloudEvent));
        Assert.Equal([("w-1", 1, "evt-w-1")], await _host.EffectsAsync());

        Assert.Equal("SUCCESS", await DaprWidgets.DeliverAsync(_host, "/dapr/events/widgets", cloudEvent));
        Assert.Equal([("w-1", 1, "evt-w-1")], await _host.EffectsAsync());
        Assert.Equal(1, await _host.CountAsync($"SELECT count(*) FROM inbox WHERE subscription = '{Subscription}' AND event_id = 'evt-w-1'"));
    }

    [Fact]
    public async Task A_failing_handler_asks_dapr_to_retry_and_stores_nothing_until_a_retry_succeeds()
    {
        _host.Failures.Fail("w-bad");
        var cloudEvent = DaprWidgets.WidgetMade("evt-w-bad", "w-bad", 1);

        Assert.Equal("RETRY", await DaprWidgets.DeliverAsync(_host, "/dapr/events/widgets", cloudEvent));
        Assert.Empty(await _host.EffectsAsync());
        Assert.Equal(0, await _host.CountAsync("SELECT count(*) FROM inbox"));
        Assert.Equal(0, await _host.CountAsync("SELECT count(*) FROM dead_letters"));

        _host.Failures.Fix("w-bad");
        Assert.Equal("SUCCESS", await DaprWidgets.DeliverAsync(_host, "/dapr/events/widgets", cloudEvent));
        Assert.Equal([("w-bad", 1, "evt-w-bad")], await _host.EffectsAsync());
    }

    [Fact]
    public async Task An_unreadable_body_and_an_unknown_event_type_are_dropped_into_the_dead_letters()
    {
        var unknown = """{"specversion":"1.0","id":"evt-unknown","source":"/x","type":"distribution.test.nobody_knows.v1","partitionkey":"k","data":{}}""";

        Assert.Equal("DROP", await DaprWidgets.DeliverAsync(_host, "/dapr/events/widgets", Encoding.UTF8.GetBytes("{not json")));
        Assert.Equal("DROP", await DaprWidgets.DeliverAsync(_host, "/dapr/events/widgets", Encoding.UTF8.GetBytes(unknown)));

        Assert.Equal(2, await _host.CountAsync($"SELECT count(*) FROM dead_letters WHERE subscription = '{Subscription}' AND topic = 'widgets' AND status = 'pending' AND attempts = 1"));
        Assert.Equal(1, await _host.CountAsync("SELECT count(*) FROM dead_letters WHERE event_type = 'unreadable' AND envelope = '{not json'"));
        Assert.Equal(1, await _host.CountAsync("SELECT count(*) FROM dead_letters WHERE event_id = 'evt-unknown' AND event_type = 'distribution.test.nobody_knows.v1' AND error LIKE 'Unknown event type%'"));
        Assert.Empty(await _host.EffectsAsync());
    }

    [Fact]
    public async Task An_event_dapr_gave_up_on_arrives_on_the_dead_letter_route_and_is_stored_for_operators()
    {
        var cloudEvent = DaprWidgets.WidgetMade("evt-given-up", "w-9", 4);

        Assert.Equal("SUCCESS", await DaprWidgets.DeliverAsync(_host, "/dapr/dead-letters/widgets", cloudEvent));

        using var client = _host.App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", WidgetHost.AdminKey);
        var listed = await client.GetFromJsonAsync<JsonElement[]>("/admin/dead-letters", TestContext.Current.CancellationToken);
        var deadLetter = Assert.Single(listed!);
        Assert.Equal("evt-given-up", deadLetter.GetProperty("eventId").GetString());
        Assert.Equal(DaprWidgets.WidgetMadeType, deadLetter.GetProperty("eventType").GetString());
        Assert.Equal("widgets", deadLetter.GetProperty("topic").GetString());
        Assert.Equal("pending", deadLetter.GetProperty("status").GetString());
        Assert.Equal(1, await _host.CountAsync("SELECT count(*) FROM dead_letters WHERE envelope LIKE '%\"widgetId\":\"w-9\"%' AND error LIKE 'Dapr gave up%'"));
        Assert.Empty(await _host.EffectsAsync());
    }

    /// <summary>
    /// The app path daprd POSTs to: the listed route taken relative to the app's address. The Dapr SDK lists
    /// routes without the leading slash (<c>dapr/events/widgets</c>); daprd accepts either form.
    /// </summary>
    private string Route(JsonElement subscription) =>
        new Uri(_host.App.HttpAddress, subscription.GetProperty("route").GetString()).AbsolutePath;

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();
}
