using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Alerts;
using Microsoft.AspNetCore.Hosting;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// Deliveries fired through the REST API, followed on the alert's overview while the portal's worker sends them to a
/// real receiver: Pending (the receiver answers 503, a retry is scheduled) → Delivered; a 400 ends in Webhook Dispatch
/// Failed; Replay once the receiver is fixed → Delivered, with the same webhook-id.
/// </summary>
public sealed class DeliveryLogTests(BrowserFixture browser) : PortalTest(browser)
{
    private const string ApiToken = "cpt_e2e-delivery-log-token-0123456789";

    protected override void ConfigurePortal(IWebHostBuilder builder)
    {
        builder.UseSetting("Seed:ApiToken", ApiToken);
        // Short delays, so the retry comes within the test; long enough to see Pending on the page first.
        builder.UseSetting("Webhooks:RetrySchedule", "3s,3s,3s,3s,3s,3s,3s,3s");
    }

    private async Task<string> FireAsync(int alertId)
    {
        using var api = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using var response = await api.PostAsync($"api/v1/alerts/{alertId}/fire",
            new StringContent("""{"host":"checkout-1","cpu":97}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("delivery_id").GetString()!;
    }

    [Fact]
    public async Task A_fired_delivery_goes_from_pending_to_delivered_a_refused_one_fails_and_replay_delivers_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var saved = await App.Alerts.CreateAsync(new AlertInput
        {
            Name = "Checkout CPU",
            Kind = AlertKind.RuntimeAlert,
            Metric = "http.latency_p95_ms",
            Threshold = 800,
            WebhookEnabled = true,
            WebhookUrl = receiver.Url("/hooks/cpu"),
        });
        await LogInAndOpenCredentialsAsync();
        await Page.GotoAsync($"flexible-actions/runtime-alerts/{saved.Id}");
        var overview = new AlertOverviewPage(Page, "Checkout CPU");
        await overview.ExpectOpenAsync();
        await Expect(overview.DeliveryLog).ToContainTextAsync("Nothing sent yet");

        // The receiver is down (503): the fired delivery appears and waits for its retry.
        receiver.StatusCode = 503;
        await FireAsync(saved.Id);
        await receiver.WaitForRequestsAsync(1);
        await Expect(overview.DeliveryStatus(0)).ToHaveTextAsync("Pending", new() { Timeout = 30_000 });
        await Expect(overview.DeliveryCell(0, "Time")).Not.ToContainTextAsync("Test");

        // Back up: the retry delivers, and the page follows without a reload.
        receiver.StatusCode = 200;
        await Expect(overview.DeliveryStatus(0)).ToHaveTextAsync("Delivered", new() { Timeout = 30_000 });
        await Expect(overview.DeliveryCell(0, "HTTP status")).ToHaveTextAsync("200");

        // A 400 ends the delivery at once.
        receiver.StatusCode = 400;
        var count = receiver.Requests.Count;
        await FireAsync(saved.Id);
        await Expect(overview.DeliveryRows).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await Expect(overview.DeliveryStatus(0)).ToHaveTextAsync("Webhook Dispatch Failed", new() { Timeout = 30_000 });
        await Expect(overview.DeliveryCell(0, "HTTP status")).ToHaveTextAsync("400");
        await Expect(overview.FailedCount).ToHaveTextAsync("Failed: 1");
        var refused = receiver.Requests[count];

        // Fixed, then Replay: the same webhook-id arrives again and the row reads Delivered.
        receiver.StatusCode = 200;
        await overview.ReplayButton(0).ClickAsync();
        await Expect(overview.Snackbar("sent again")).ToBeVisibleAsync();
        await Expect(overview.DeliveryStatus(0)).ToHaveTextAsync("Delivered", new() { Timeout = 30_000 });
        await Expect(overview.FailedCount).ToHaveTextAsync("Failed: 0");
        var replayed = receiver.Requests[^1];
        Assert.Equal(refused.Header("webhook-id"), replayed.Header("webhook-id"));
        await Expect(overview.DeliveryCell(0, "Attempts")).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task The_deliveries_page_is_in_the_navigation_lists_every_alert_and_filters_by_status()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var cpu = await App.Alerts.CreateAsync(new AlertInput
        {
            Name = "Checkout CPU", Kind = AlertKind.RuntimeAlert, Metric = "http.latency_p95_ms", Threshold = 800,
            WebhookEnabled = true, WebhookUrl = receiver.Url("/hooks/cpu"),
        });
        receiver.StatusCode = 400;
        await FireAsync(cpu.Id);
        await receiver.WaitForRequestsAsync(1);

        await LogInAndOpenCredentialsAsync();
        var shell = new AppShell(Page);
        await shell.NavLink("Deliveries").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("flexible-actions/deliveries$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Deliveries", Level = 1 })).ToBeVisibleAsync();
        var rows = Page.Locator("tr.delivery-row");
        await Expect(rows.First.Locator("td[data-label=Status] .mud-chip")).ToHaveTextAsync("Webhook Dispatch Failed", new() { Timeout = 30_000 });
        await Expect(rows.First.GetByRole(AriaRole.Link, new() { Name = "Checkout CPU" })).ToHaveAttributeAsync("href",
            new System.Text.RegularExpressions.Regex($"flexible-actions/runtime-alerts/{cpu.Id}$"));

        await Page.GotoAsync("flexible-actions/deliveries?status=delivered");
        await Expect(Page.Locator("[data-interactive=true]")).ToBeAttachedAsync();
        await Expect(Page.GetByText("No delivery matches these filters.")).ToBeVisibleAsync();
    }
}
