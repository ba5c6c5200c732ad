using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Delivery.Pages;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery.Pages;

/// <summary>
/// Flexible Actions › Deliveries: every alert's deliveries newest first, filtered by status, alert and days (from the
/// page's address), paged by key, each alert's name a link to its overview.
/// </summary>
public sealed class DeliveriesPageTests : PortalComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private async Task<int> AlertAsync(string name, LoopbackReceiver receiver)
    {
        var saved = await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(name, receiver.Url("hooks/" + name.Replace(' ', '-'))));
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

    private IRenderedComponent<DeliveriesPage> Open(string query = "")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("flexible-actions/deliveries" + query);
        return Render<DeliveriesPage>();
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<DeliveriesPage> page) => page.FindAll("tr.delivery-row");

    private static string Cell(IElement row, string label) => row.QuerySelector($"td[data-label='{label}']")!.TextContent.Trim();

    [Fact]
    public async Task All_alerts_deliveries_newest_first_each_alert_linking_to_its_overview()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var cpu = await AlertAsync("Checkout CPU", receiver);
        var disk = await AlertAsync("Disk full", receiver);
        await FireAsync(cpu);
        Database.Clock.Advance(TimeSpan.FromMinutes(1));
        await FireAsync(disk);

        var page = Open();

        page.WaitForAssertion(() => Assert.Equal(["Disk full", "Checkout CPU"], Rows(page).Select(r => Cell(r, "Alert"))), Wait);
        Assert.EndsWith($"flexible-actions/runtime-alerts/{disk}", Rows(page)[0].QuerySelector("td[data-label=Alert] a")!.GetAttribute("href"));
        Assert.All(Rows(page), row => Assert.Equal("Pending", row.QuerySelector("td[data-label=Status] .mud-chip")!.TextContent.Trim()));
        Assert.Equal("Deliveries", page.Find("h1").TextContent.Trim());
        foreach (var label in new[] { "Status", "Alert", "From", "To" })
        {
            Assert.Contains(page.FindAll("label"), l => l.TextContent.Trim() == label);
        }
    }

    [Fact]
    public async Task Status_and_alert_filters_from_the_address_narrow_the_rows_and_a_new_address_changes_them()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var cpu = await AlertAsync("Checkout CPU", receiver);
        var disk = await AlertAsync("Disk full", receiver);
        receiver.Script(new LoopbackReceiver.Reply(400), new LoopbackReceiver.Reply(400));
        await Database.SendTestAsync(cpu);
        await Database.SendTestAsync(disk);
        await FireAsync(cpu, 2);

        var page = Open($"?status=failed&alert={cpu}");

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(Rows(page));
            Assert.Equal("Checkout CPU", Cell(row, "Alert"));
            Assert.Equal("Webhook Dispatch Failed", row.QuerySelector("td[data-label=Status] .mud-chip")!.TextContent.Trim());
        }, Wait);
        // The Alert filter shows the alert the address names.
        Assert.Equal("Checkout CPU (Runtime Alert)", page.Find("input[data-testid=alert-filter], [data-testid=alert-filter] input").GetAttribute("value"));

        Services.GetRequiredService<NavigationManager>().NavigateTo($"flexible-actions/deliveries?status=pending&alert={cpu}");
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count), Wait);

        Services.GetRequiredService<NavigationManager>().NavigateTo("flexible-actions/deliveries?status=failed");
        page.WaitForAssertion(() => Assert.Equal(["Disk full", "Checkout CPU"], Rows(page).Select(r => Cell(r, "Alert"))), Wait);
    }

    [Fact]
    public async Task The_date_range_includes_both_days_in_utc_until_the_browser_names_its_zone()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var cpu = await AlertAsync("Checkout CPU", receiver);
        await FireAsync(cpu); // Nov 23, 09:00 UTC
        Database.Clock.Advance(TimeSpan.FromDays(1));
        await FireAsync(cpu, 2); // Nov 24
        Database.Clock.Advance(TimeSpan.FromDays(1));
        await FireAsync(cpu, 3); // Nov 25

        var page = Open("?from=2026-11-24&to=2026-11-24");
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count), Wait);

        Services.GetRequiredService<NavigationManager>().NavigateTo("flexible-actions/deliveries?from=2026-11-24");
        page.WaitForAssertion(() => Assert.Equal(5, Rows(page).Count), Wait);

        Services.GetRequiredService<NavigationManager>().NavigateTo("flexible-actions/deliveries?to=2026-11-23");
        page.WaitForAssertion(() => Assert.Single(Rows(page)), Wait);
    }

    [Fact]
    public async Task Older_and_newer_page_through_thirty_deliveries_without_a_count()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var cpu = await AlertAsync("Checkout CPU", receiver);
        await FireAsync(cpu, 30);

        var page = Open();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count), Wait);
        Assert.Equal("Page 1", page.Find("[data-testid=delivery-page]").TextContent.Trim());

        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Older").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(5, Rows(page).Count), Wait);
        Assert.Equal("Page 2", page.Find("[data-testid=delivery-page]").TextContent.Trim());
        Assert.True(page.FindAll("button").Single(b => b.TextContent.Trim() == "Older").HasAttribute("disabled"));

        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Newest").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count), Wait);
    }
}
