using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Delivery.Pages;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

/// <summary>
/// The overview's deliveries: the summary (last outcome, failed and pending counts), the 410 Gone warning, the log with
/// its rows expanding to their attempts, Replay, "Replay failed since…", paging, and the log following a delivery
/// from Pending to Delivered as the worker sends it (the clock moved, the receiver real).
/// </summary>
public sealed class AlertOverviewDeliveryLogTests : PortalComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private async Task<int> AlertAsync(LoopbackReceiver receiver, int? credentialId = null)
    {
        var saved = await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Checkout CPU", receiver.Url("hooks/cpu"), credentialId));
        Assert.True(saved.Succeeded);
        return saved.Id;
    }

    private async Task FireAsync(int alertId, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Equal(DeliveryCommandStatus.Accepted, (await Database.Deliveries.FireAsync(alertId, null, null)).Status);
        }
    }

    /// <summary>The refresh timer's tick: the log reads its rows again.</summary>
    private void Tick() => Database.Clock.Advance(DeliveryLogTable.RefreshInterval);

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<AlertOverviewPage> page) => page.FindAll("tr.delivery-row");

    private static string Status(IElement row) => row.QuerySelector("td[data-label=Status] .mud-chip")!.TextContent.Trim();

    private static string Text(IRenderedComponent<AlertOverviewPage> page, string testId) =>
        System.Text.RegularExpressions.Regex.Replace(page.Find($"[data-testid={testId}]").TextContent, @"\s+", " ").Trim();

    [Fact]
    public async Task The_summary_shows_the_last_outcome_and_how_many_failed_and_wait()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        receiver.Script(new LoopbackReceiver.Reply(400), new LoopbackReceiver.Reply(400));
        Assert.False((await Database.SendTestAsync(id))!.Delivered);
        Assert.False((await Database.SendTestAsync(id))!.Delivered);
        await FireAsync(id);

        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() =>
        {
            Assert.Equal("Failed: 2", Text(page, "failed-count"));
            Assert.Equal("Pending: 1", Text(page, "pending-count"));
            Assert.StartsWith("Last outcome: Pending Nov 23, 2026, 09:00:00 UTC", Text(page, "last-outcome"));
            // The log below the summary loads on its own: waited for, not assumed loaded with it.
            Assert.Equal(["Pending", "Webhook Dispatch Failed", "Webhook Dispatch Failed"], Rows(page).Select(Status));
        }, Wait);
        Assert.Empty(page.FindAll("[data-testid=webhook-gone]"));
    }

    [Fact]
    public async Task A_pending_delivery_is_followed_until_it_is_delivered_and_the_summary_with_it()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        await FireAsync(id);
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Equal("Pending", Status(Assert.Single(Rows(page)))), Wait);
        // A Pending row has no Replay yet: only finished deliveries are replayed.
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() == "Replay");

        Assert.Equal(1, await Database.Worker.SendDueAsync());
        Tick();

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(Rows(page));
            Assert.Equal("Delivered", Status(row));
            Assert.Equal("200", row.QuerySelector("td[data-label='HTTP status']")!.TextContent.Trim());
            Assert.Equal("Pending: 0", Text(page, "pending-count"));
            Assert.StartsWith("Last outcome: Delivered", Text(page, "last-outcome"));
        }, Wait);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task An_idle_log_is_read_again_but_not_drawn_again()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        Assert.True((await Database.SendTestAsync(id))!.Delivered);
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Single(Rows(page)), Wait);
        // bUnit counts a render of the page or of anything in it.
        var renders = page.RenderCount;

        for (var i = 0; i < 3; i++)
        {
            Tick();
        }
        Assert.Equal(renders, page.RenderCount); // nothing changed, nothing drawn
        await FireAsync(id); // the newest page is read on every tick: a new delivery shows up
        Tick();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count), Wait);
    }

    [Fact]
    public async Task A_row_expands_to_its_attempts_with_the_masked_request()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var credential = await SeedAsync(CredentialInputs.ClientId("Hyrule", "link-value-1234", "clientid"));
        var id = await AlertAsync(receiver, credential);
        receiver.Script(new LoopbackReceiver.Reply(503));
        await Database.SendTestAsync(id);
        Database.Clock.Advance(TimeSpan.FromSeconds(10)); // past the first retry's delay
        Assert.Equal(1, await Database.Worker.SendDueAsync());
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Equal("Delivered", Status(Assert.Single(Rows(page)))), Wait);

        await page.Find("button[aria-label='Show attempts']").ClickAsync(new());

        page.WaitForAssertion(() =>
        {
            var attempts = page.FindAll("[data-testid=delivery-attempt]");
            Assert.Equal(2, attempts.Count);
            Assert.Contains("HTTP 503", attempts[0].TextContent);
            Assert.Contains("HTTP 200", attempts[1].TextContent);
            foreach (var attempt in attempts)
            {
                Assert.Contains($"POST {receiver.Url("hooks/cpu")}", attempt.TextContent);
                Assert.Contains("clientid: ****", attempt.TextContent);
                Assert.Contains("webhook-id: msg_", attempt.TextContent);
                Assert.DoesNotContain("link-value-1234", attempt.TextContent);
            }
        }, Wait);
        Assert.Equal("true", page.Find("button[aria-label='Hide attempts']").GetAttribute("aria-expanded"));

        await page.Find("button[aria-label='Hide attempts']").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=delivery-attempt]")), Wait);
    }

    [Fact]
    public async Task Replay_sends_a_failed_delivery_again_with_the_same_webhook_id()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        receiver.Script(new LoopbackReceiver.Reply(400));
        Assert.False((await Database.SendTestAsync(id))!.Delivered);
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Equal("Webhook Dispatch Failed", Status(Assert.Single(Rows(page)))), Wait);

        await ClickAsync(page, () => Rows(page)[0].QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Replay"));

        Snackbars.WaitForAssertion(() => Assert.Contains("is sent again (same webhook-id)", Snackbars.Markup), Wait);
        page.WaitForAssertion(() => Assert.Equal("Pending", Status(Assert.Single(Rows(page)))), Wait);
        Assert.Equal(1, await Database.Worker.SendDueAsync());
        Tick();
        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(Rows(page));
            Assert.Equal("Delivered", Status(row));
            Assert.Equal("2", row.QuerySelector("td[data-label=Attempts]")!.TextContent.Trim());
            Assert.Equal("Failed: 0", Text(page, "failed-count"));
        }, Wait);
        var requests = receiver.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Headers["webhook-id"], requests[1].Headers["webhook-id"]);
    }

    [Fact]
    public async Task Replay_failed_since_asks_first_then_replays_every_failed_delivery_of_the_window()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        receiver.Script(new LoopbackReceiver.Reply(400), new LoopbackReceiver.Reply(400), new LoopbackReceiver.Reply(400));
        Assert.False((await Database.SendTestAsync(id))!.Delivered); // two days ago: outside "the last 24 hours"
        Database.Clock.Advance(TimeSpan.FromDays(2));
        Assert.False((await Database.SendTestAsync(id))!.Delivered);
        Assert.False((await Database.SendTestAsync(id))!.Delivered);
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Equal("Failed: 3", Text(page, "failed-count")), Wait);
        Assert.Contains("Replay failed since", page.Find("[data-testid=delivery-summary] label").TextContent);

        // Cancel changes nothing.
        // The click's handler waits for the dialog's answer.
        var asking = page.FindAll("button").Single(b => b.TextContent.Trim() == "Replay failed…").ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.Contains("Send every failed delivery of “Checkout CPU” made since", Dialogs.Markup), Wait);
        await Dialogs.Find("[data-testid=dialog-cancel]").ClickAsync(new());
        await asking;
        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=dialog-confirm]")), Wait);
        Assert.Equal(3, (await Database.Deliveries.ListAsync(new DeliveryQuery(AlertId: id, Status: DeliveryStatus.Failed))).Items.Count);

        asking = page.FindAll("button").Single(b => b.TextContent.Trim() == "Replay failed…").ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.Equal("Replay", Dialogs.Find("[data-testid=dialog-confirm]").TextContent.Trim()), Wait);
        await Dialogs.Find("[data-testid=dialog-confirm]").ClickAsync(new());
        await asking;

        Snackbars.WaitForAssertion(() => Assert.Contains("2 failed deliveries are sent again.", Snackbars.Markup), Wait);
        page.WaitForAssertion(() =>
        {
            Assert.Equal(["Pending", "Pending", "Webhook Dispatch Failed"], Rows(page).Select(Status));
            Assert.Equal("Failed: 1", Text(page, "failed-count"));
            Assert.Equal("Pending: 2", Text(page, "pending-count"));
        }, Wait);
    }

    [Fact]
    public async Task A_receiver_answering_410_turns_the_webhook_off_and_the_overview_says_so()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        receiver.Script(new LoopbackReceiver.Reply(410));
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Nothing sent yet", page.Markup), Wait);
        Assert.Empty(page.FindAll("[data-testid=webhook-gone]"));

        await ClickAsync(page, () => page.FindAll("button").Single(b => b.TextContent.Trim() == "Send test"));

        page.WaitForAssertion(() =>
        {
            var warning = page.Find("[data-testid=webhook-gone]");
            Assert.Contains("410 Gone", warning.TextContent);
            Assert.Contains("until the alert is saved again", warning.TextContent);
            Assert.EndsWith($"runtime-alerts/{id}/edit", warning.QuerySelector("a")!.GetAttribute("href"));
        }, Wait);
        // Replay is refused while the webhook is off, and says why.
        await ClickAsync(page, () => Rows(page)[0].QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Replay"));
        Snackbars.WaitForAssertion(() => Assert.Contains("410 Gone", Snackbars.Markup), Wait);

        // Saving the alert turns it back on; a newly opened overview has no warning.
        var (input, _) = (await Database.Alerts.GetForEditAsync(id))!.Value;
        Assert.True((await Database.Alerts.UpdateAsync(id, input)).Succeeded);
        var reopened = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        reopened.WaitForAssertion(() => Assert.Equal("Failed: 1", Text(reopened, "failed-count")), Wait);
        Assert.Empty(reopened.FindAll("[data-testid=webhook-gone]"));
    }

    [Fact]
    public async Task Older_and_newer_page_through_the_log_by_key_without_a_count()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        await FireAsync(id, 12);
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Equal(10, Rows(page).Count), Wait);
        Assert.Equal("Page 1", Text(page, "delivery-page"));
        Assert.True(page.FindAll("button").Single(b => b.TextContent.Trim() == "Newer").HasAttribute("disabled"));

        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Older").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count), Wait);
        Assert.Equal("Page 2", Text(page, "delivery-page"));
        Assert.True(page.FindAll("button").Single(b => b.TextContent.Trim() == "Older").HasAttribute("disabled"));
        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Newer").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(10, Rows(page).Count), Wait);
        Assert.Equal("Page 1", Text(page, "delivery-page"));
    }

    /// <summary>
    /// Finds and clicks in one turn of the renderer: the log re-renders on its own (the signed-in state, the refresh), and a
    /// button found before such a render has lost its handler by the time it is clicked.
    /// </summary>
    private static Task ClickAsync(IRenderedComponent<AlertOverviewPage> page, Func<AngleSharp.Dom.IElement> find) =>
        page.InvokeAsync(() => find().ClickAsync(new()));
}
