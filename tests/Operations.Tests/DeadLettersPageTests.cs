using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>Dead letters of every service with the operator's actions, antiforgery-checked, traced and counted by service.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DeadLettersPageTests(ConsoleTopology topology)
{
    [Fact]
    public async Task A_replay_without_the_antiforgery_token_is_refused_and_the_dead_letter_stays()
    {
        var id = await topology.DeadLetterAsync("w-forged");
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        using var response = await client.PostFormAsync("/ops/dead-letters?handler=Replay", new() { ["service"] = "widgets", ["id"] = id.ToString() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("pending", await StatusAsync(id));
    }

    [Fact]
    public async Task Discarding_is_done_through_the_service_that_holds_the_dead_letter_and_is_traced_and_counted_by_service()
    {
        var id = await topology.DeadLetterAsync("w-discard");
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);
        var page = await client.PageAsync("/ops/dead-letters");
        Assert.Contains($"<tr data-id=\"{id}\" data-service=\"widgets\">", page, StringComparison.Ordinal);
        var token = await client.AntiforgeryTokenAsync("/ops/dead-letters");
        var spans = new List<Activity>();
        var counted = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = ListenToActions(spans);
        using var meter = CountActions(counted);

        using var response = await client.PostFormAsync("/ops/dead-letters?handler=Discard",
            new() { ["service"] = "widgets", ["id"] = id.ToString(), ["__RequestVerificationToken"] = token });
        var after = await client.PageAsync("/ops/dead-letters");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains($"Dead letter {id} of widgets is discarded.", after, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-id=\"{id}\"", after, StringComparison.Ordinal);
        Assert.Equal("discarded", await StatusAsync(id));
        var span = Assert.Single(spans, s => s.OperationName == "operations.dead_letter.discard" && Equals(s.GetTagItem("operations.dead_letter.id"), id));
        Assert.Equal("widgets", span.GetTagItem("operations.service"));
        Assert.Equal("done", span.GetTagItem("operations.outcome"));
        Assert.Contains(counted, c => c.Value == 1 && (string?)c.Tags["action"] == "dead_letter.discard" && (string?)c.Tags["service"] == "widgets" && (string?)c.Tags["outcome"] == "done");
    }

    [Fact]
    public async Task Acting_twice_says_the_dead_letter_was_already_handled()
    {
        var id = await topology.DeadLetterAsync("w-twice");
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);
        var fields = new Dictionary<string, string> { ["service"] = "widgets", ["id"] = id.ToString() };

        fields["__RequestVerificationToken"] = await client.AntiforgeryTokenAsync("/ops/dead-letters");
        (await client.PostFormAsync("/ops/dead-letters?handler=Discard", fields)).Dispose();
        await client.PageAsync("/ops/dead-letters");
        fields["__RequestVerificationToken"] = await client.AntiforgeryTokenAsync("/ops/dead-letters");
        (await client.PostFormAsync("/ops/dead-letters?handler=Discard", fields)).Dispose();
        var page = await client.PageAsync("/ops/dead-letters");

        Assert.Contains($"Dead letter {id} was already replayed or discarded.", page, StringComparison.Ordinal);
        Assert.Contains("class=\"error\" id=\"notice\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_is_down_is_named_and_a_dead_letter_shows_its_envelope()
    {
        var id = await topology.DeadLetterAsync("w-inspect");
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var list = await client.PageAsync("/ops/dead-letters");
        var detail = WebUtility.HtmlDecode(await client.PageAsync($"/ops/dead-letters/detail?service=widgets&id={id}"));

        Assert.Contains("<li data-service=\"settlementservice\">settlementservice</li>", list, StringComparison.Ordinal);
        Assert.Contains("widget w-inspect cannot be made", detail, StringComparison.Ordinal);
        Assert.Contains("distribution.test.widget_made.v1", detail, StringComparison.Ordinal);
    }

    private async Task<string?> StatusAsync(Guid id)
    {
        using var admin = topology.GatewayAdmin();
        var deadLetter = await admin.GetFromJsonAsync<JsonElement>($"/admin/widgets/dead-letters/{id}", TestContext.Current.CancellationToken);
        return deadLetter.GetProperty("status").GetString();
    }

    private static ActivityListener ListenToActions(List<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Operations",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static MeterListener CountActions(List<(long, Dictionary<string, object?>)> counted)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Operations" && instrument.Name == "operations.actions")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (counted)
            {
                counted.Add((value, copy));
            }
        });
        listener.Start();
        return listener;
    }
}
