using Bunit;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

/// <summary>
/// Send test on an alert's overview, against a real loopback receiver: progress while it runs (attempts and timeout from
/// the Webhooks settings), then one result, and the delivery log in the viewer's time zone.
/// </summary>
public sealed class AlertOverviewSendTestTests : PortalComponentTest
{
    // Real time: the retry back-off and each attempt's timeout wait on the TimeProvider.
    protected override void ConfigureDatabase(IServiceCollection services) => services.AddSingleton(TimeProvider.System);

    private async Task<int> AlertAsync(LoopbackReceiver receiver)
    {
        var saved = await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Checkout CPU", receiver.Url("hooks/cpu")));
        Assert.True(saved.Succeeded);
        return saved.Id;
    }

    // An upper bound for a loaded machine, not a timing: bUnit's default second is too short when the suite runs in parallel.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Send_test_shows_the_attempt_under_way_then_one_result_with_a_readable_duration()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        var secondAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Script(new LoopbackReceiver.Reply(503), new LoopbackReceiver.Reply(200, Until: secondAnswer.Task));
        var page = Render<AlertOverviewPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Nothing sent yet", page.Markup));

        var sending = page.FindAll("button").Single(b => b.TextContent.Trim() == "Send test").ClickAsync(new());

        // The second attempt is held open by the receiver: the page says which one it is and how long it may take.
        page.WaitForAssertion(() => Assert.Equal("Sending the test… Attempt 2 of 3, waiting up to 5 s",
            page.Find("[data-testid=test-progress]").TextContent.Trim()), Wait);
        Assert.True(page.FindAll("button").Single(b => b.TextContent.Trim() == "Send test").HasAttribute("disabled"));
        secondAnswer.SetResult();
        await sending;

        page.WaitForAssertion(() => Assert.Matches(@"^Delivered: HTTP 200 in (\d{1,3} ms|\d+\.\d s) after 2 attempts\.$",
            page.Find("[data-testid=test-outcome]").TextContent.Trim()), Wait);
        Assert.Empty(page.FindAll("[data-testid=test-progress]"));
        // One answer, in one place: no snackbar repeats it.
        Assert.Empty(Snackbars.FindAll(".mud-snackbar"));
        page.WaitForAssertion(() => Assert.Matches(@"^(\d{1,3} ms|\d+\.\d s)$", page.Find("td[data-label=Duration]").TextContent.Trim()), Wait);
    }

    [Fact]
    public async Task The_delivery_log_shows_times_to_the_second_in_the_browsers_time_zone_with_utc_on_hover()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var id = await AlertAsync(receiver);
        Assert.True((await Database.SendTestAsync(id))!.Delivered);
        var sent = (await Database.DeliveryLog.ListAsync(id, 0, 1)).Items.Single().View.CreatedAtUtc;
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
