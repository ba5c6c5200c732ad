using Bunit;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

/// <summary>
/// Send test on an alert's overview, against a real loopback receiver: sent at once, its progress while the receiver
/// answers, then one result under the button (and when a retry is due), and its row in the log marked as a test.
/// </summary>
public sealed class AlertOverviewSendTestTests : PortalComponentTest
{
    // An upper bound for a loaded machine, not a timing: bUnit's default second is too short when the suite runs in parallel.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private async Task<int> AlertAsync(LoopbackReceiver receiver)
    {
        var saved = await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Checkout CPU", receiver.Url("hooks/cpu")));
        Assert.True(saved.Succeeded);
        return saved.Id;
    }

    private static Task ClickAsync(IRenderedComponent<AlertOverviewPage> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == text).ClickAsync(new());

    [Fact]
    public async Task Send_test_shows_the_attempt_under_way_then_one_result_and_its_row_marked_as_a_test()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Script(new LoopbackReceiver.Reply(200, Until: answer.Task));
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Nothing sent yet", page.Markup));

        var sending = ClickAsync(page, "Send test");

        // The receiver holds its answer: the page says the test is under way and for how long it may wait.
        page.WaitForAssertion(() => Assert.Equal("Sending the test… waiting up to 5 s",
            page.Find("[data-testid=test-progress]").TextContent.Trim()), Wait);
        Assert.True(page.FindAll("button").Single(b => b.TextContent.Trim() == "Send test").HasAttribute("disabled"));
        answer.SetResult();
        await sending;

        page.WaitForAssertion(() => Assert.Matches(@"^Delivered: HTTP 200 in (\d{1,3} ms|\d+\.\d s)\.$",
            page.Find("[data-testid=test-outcome]").TextContent.Trim()), Wait);
        Assert.Empty(page.FindAll("[data-testid=test-progress]"));
        // One answer, in one place: no snackbar repeats it.
        Assert.Empty(Snackbars.FindAll(".mud-snackbar"));
        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tr.delivery-row"));
            Assert.Equal("Test", row.QuerySelector("[data-testid=test-marker]")?.TextContent.Trim());
            Assert.Equal("Delivered", row.QuerySelector("td[data-label=Status]")!.TextContent.Trim());
            Assert.Equal("200", row.QuerySelector("td[data-label='HTTP status']")!.TextContent.Trim());
            Assert.Equal("1", row.QuerySelector("td[data-label=Attempts]")!.TextContent.Trim());
        }, Wait);
        Assert.True((await Database.Deliveries.ListAsync(new DeliveryQuery(AlertId: id))).Items.Single().IsTest);
    }

    [Fact]
    public async Task A_test_the_receiver_answers_503_says_so_and_when_the_next_attempt_is_due()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        receiver.Script(new LoopbackReceiver.Reply(503));
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Nothing sent yet", page.Markup));

        await ClickAsync(page, "Send test");

        // The default schedule's first delay is 5 s, from the (test's) clock.
        var due = Database.Clock.GetUtcNow().UtcDateTime.AddSeconds(5);
        page.WaitForAssertion(() =>
        {
            var outcome = page.Find("[data-testid=test-outcome]");
            Assert.StartsWith("Not delivered yet: HTTP 503 in ", outcome.TextContent.Trim());
            Assert.Contains("The next attempt is due at", outcome.TextContent);
            var time = DateTime.Parse(outcome.QuerySelector("time")!.GetAttribute("datetime")!, null, System.Globalization.DateTimeStyles.RoundtripKind);
            Assert.InRange(time, due.AddSeconds(-2), due.AddSeconds(2)); // the schedule's jitter
        }, Wait);
        page.WaitForAssertion(() => Assert.Equal("Pending",
            Assert.Single(page.FindAll("tr.delivery-row")).QuerySelector("td[data-label=Status] .mud-chip")!.TextContent.Trim()), Wait);
    }

    [Fact]
    public async Task The_delivery_log_shows_times_to_the_second_in_the_browsers_time_zone_with_utc_on_hover()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        Assert.True((await Database.SendTestAsync(id))!.Delivered);
        var sent = (await Database.Deliveries.ListAsync(new DeliveryQuery(AlertId: id))).Items.Single().CreatedAtUtc;
        JSInterop.SetupModule(ViewerTimeZone.Module).Setup<ViewerTimeZone.BrowserZone?>("timeZone")
            .SetResult(new ViewerTimeZone.BrowserZone("Asia/Tokyo", 540));

        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));

        var tokyo = DateTime.SpecifyKind(sent, DateTimeKind.Utc).AddHours(9); // no daylight saving time in Japan
        page.WaitForAssertion(() =>
        {
            var time = page.Find("td[data-label=Time] time");
            Assert.Equal(tokyo.ToString("MMM d, yyyy, HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), time.TextContent);
            Assert.Equal(DateTime.SpecifyKind(sent, DateTimeKind.Utc).ToString("MMM d, yyyy, HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
                time.GetAttribute("title"));
        });
    }

    [Fact]
    public async Task Until_the_browser_names_its_zone_times_read_utc_and_say_so()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        Assert.True((await Database.SendTestAsync(id))!.Delivered);

        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id)); // loose interop: the browser answers nothing

        page.WaitForAssertion(() => Assert.EndsWith(" UTC", page.Find("td[data-label=Time] time").TextContent));
    }
}
