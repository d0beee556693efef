using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>
/// The console in a real headless browser (Debian's chromium driven by Playwright), at the gateway's address as an
/// operator uses it. Every step waits for what it needs to see; nothing sleeps.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class BrowserTests(ConsoleTopology topology)
{
    [Fact]
    public async Task Sign_in_is_refused_with_a_wrong_key_and_the_right_one_opens_the_page_asked_for()
    {
        await using var context = await topology.NewBrowserContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/ops/partners");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());
        await page.FillAsync("#key", "not-the-key");
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#signin-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#nav-partners")).ToHaveCountAsync(0);

        await page.FillAsync("#key", ConsoleTopology.AdminKey);
        await page.ClickAsync("#signin");

        await Assertions.Expect(page).ToHaveURLAsync(PartnersUrl());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Partners");
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "ops.auth");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/ops", cookie.Path);
    }

    [Fact]
    public async Task The_exceptions_list_shows_a_seeded_exception_and_its_raw_payload_on_the_detail_view()
    {
        await using var context = await topology.NewBrowserContextAsync();
        var page = await SignedInAsync(context);

        await page.GotoAsync("/ops/exceptions");
        var row = page.Locator($"tr[data-service='shopify-adapter'][data-id='{RecordedShapes.ShopifyExceptionId}']");
        await Assertions.Expect(row).ToContainTextAsync("unknown_sku");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("high");
        await row.Locator("a.inspect").ClickAsync();

        await Assertions.Expect(page.Locator("#code")).ToHaveTextAsync("unknown_sku");
        await Assertions.Expect(page.Locator("#payload")).ToHaveTextAsync(RecordedShapes.ShopifyBody);
        Assert.Equal(0, await page.Locator("#payload script").CountAsync());
    }

    [Fact]
    public async Task The_replay_button_replays_a_real_dead_letter_which_its_service_then_handles()
    {
        var id = await topology.DeadLetterAsync(ConsoleTopology.FailingWidget);
        topology.FixWidget(ConsoleTopology.FailingWidget);
        await using var context = await topology.NewBrowserContextAsync();
        var page = await SignedInAsync(context);

        await page.GotoAsync("/ops/dead-letters");
        var row = page.Locator($"tr[data-id='{id}']");
        await Assertions.Expect(row).ToContainTextAsync($"widget {ConsoleTopology.FailingWidget} cannot be made");
        await row.Locator("button.replay").ClickAsync();

        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync($"Dead letter {id} of widgets is replayed");
        await Assertions.Expect(page.Locator($"tr[data-id='{id}']")).ToHaveCountAsync(0);
        await Eventually.ReachesAsync(() => topology.WidgetEffectsAsync(ConsoleTopology.FailingWidget), count => count == 1, "the replayed event handled");
        await page.GotoAsync("/ops/dead-letters?all=true");
        await Assertions.Expect(page.Locator($"tr[data-id='{id}'] td.status")).ToHaveTextAsync("replayed");
    }

    [Fact]
    public async Task A_suspended_partner_is_shown_as_suspended()
    {
        var partnerId = $"susp-{Guid.NewGuid():N}"[..13];
        await topology.CreatePartnerAsync(partnerId, "orders");
        using (var admin = topology.GatewayAdmin())
        {
            using var suspended = await admin.PostAsync($"/admin/partners/{partnerId}:suspend", null, TestContext.Current.CancellationToken);
            suspended.EnsureSuccessStatusCode();
        }

        await using var context = await topology.NewBrowserContextAsync();
        var page = await SignedInAsync(context);
        await page.GotoAsync("/ops/partners");

        await Assertions.Expect(page.Locator($"#partner-{partnerId} td.status")).ToHaveTextAsync("suspended");
        await Assertions.Expect(page.Locator($"#partner-{partnerId} td.limits")).ToContainTextAsync("25/s, burst 50");
    }

    [Fact]
    public async Task An_orders_timeline_shows_its_history_in_time_order()
    {
        await using var context = await topology.NewBrowserContextAsync();
        var page = await SignedInAsync(context);

        await page.GotoAsync("/ops/orders");
        await page.FillAsync("#q", RecordedShapes.TimelineChannelOrderId);
        await page.ClickAsync("#search");

        await Assertions.Expect(page.Locator("#order-id")).ToHaveTextAsync(RecordedShapes.TimelineOrderId.ToString());
        await Assertions.Expect(page.Locator("#timeline td.what")).ToHaveTextAsync(TimelineStory.InTimeOrder);
        await Assertions.Expect(page.Locator("#ship-to")).ToHaveTextAsync("Ada Buyer, Springfield, US");
        await Assertions.Expect(page.Locator("#order-exceptions")).ToContainTextAsync("address_problem");
    }

    private static async Task<IPage> SignedInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/ops/signin");
        await page.FillAsync("#key", ConsoleTopology.AdminKey);
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#nav-exceptions")).ToBeVisibleAsync();
        return page;
    }

    [GeneratedRegex("/ops/signin\\?ReturnUrl=%2Fops%2Fpartners$")]
    private static partial Regex SignInUrl();

    [GeneratedRegex("/ops/partners$")]
    private static partial Regex PartnersUrl();
}
