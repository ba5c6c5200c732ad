using System.Globalization;
using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Alerts;

namespace CredentialPortal.E2E.Tests;

/// <summary>An alert's overview on a phone (390 × 844), in a browser whose time zone is Tokyo's.</summary>
public sealed class AlertOverviewPhoneTests(BrowserFixture browser) : PortalTest(browser)
{
    private readonly BrowserFixture browser = browser;

    /// <summary>A long name with no place to break, as metric-style names often are.</summary>
    private const string Name = "checkout-latency-p95-above-800ms-eu-west-1-production";

    [Fact]
    public async Task At_phone_width_nothing_is_cut_off_and_the_log_reads_as_cards_with_times_in_the_viewers_zone()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var saved = await App.Alerts.CreateAsync(new AlertInput
        {
            Name = Name,
            Kind = AlertKind.RuntimeAlert,
            Metric = "http.latency_p95_ms",
            Threshold = 800,
            WebhookEnabled = true,
            WebhookUrl = receiver.Url("/hooks/a-rather-long-path-that-does-not-fit/on-a-phone-screen?team=checkout&region=eu-west-1"),
        });
        await using var phone = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseUrl,
            Locale = "en-US",
            TimezoneId = "Asia/Tokyo",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        });
        phone.SetDefaultTimeout(15_000);
        var page = await phone.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);
        await Expect(page).Not.ToHaveURLAsync(new Regex("Account/Login"));
        await page.GotoAsync($"flexible-actions/runtime-alerts/{saved.Id}");
        var overview = new AlertOverviewPage(page, Name);
        await overview.ExpectOpenAsync();

        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered: HTTP 200");

        Assert.False(await overview.OverflowsHorizontallyAsync(), "the page scrolls sideways at 390 px");
        foreach (var button in new[] { overview.EditButton, overview.DeleteButton, overview.SendTestButton })
        {
            await overview.ExpectWithinWindowAsync(button);
            await button.ClickAsync(new() { Trial = true }); // visible, enabled and not covered by anything
        }

        // Cards: no column headers, each value under its own label, inside the window.
        await Expect(overview.DeliveryLog.Locator("thead")).ToBeHiddenAsync();
        await overview.ExpectWithinWindowAsync(overview.DeliveryLog.Locator("td[data-label=Status]").First);
        await overview.ExpectWithinWindowAsync(overview.ReplayButton(0));
        // The attempt's request (a long URL, the headers) wraps inside the card.
        var attempt = (await overview.ShowAttemptsAsync(0)).First;
        await overview.ExpectWithinWindowAsync(attempt);
        Assert.False(await overview.OverflowsHorizontallyAsync(), "the expanded attempts make the page scroll sideways at 390 px");

        // Tokyo is UTC+9 all year: the time shown is the title's UTC time nine hours on, to the second.
        var time = overview.DeliveryTimes.First;
        var utc = DateTime.ParseExact(await time.GetAttributeAsync("title") ?? "", "MMM d, yyyy, HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        await Expect(time).ToHaveTextAsync(utc.AddHours(9).ToString("MMM d, yyyy, HH:mm:ss", CultureInfo.InvariantCulture));
    }
}
