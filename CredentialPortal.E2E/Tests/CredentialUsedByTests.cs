using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// Where each credential is used: the list's Used by column counts and sorts, and the credential's page lists the alerts
/// and hierarchy levels that use it, each a working link.
/// </summary>
public sealed class CredentialUsedByTests(BrowserFixture browser) : PortalTest(browser)
{
    private HierarchyService Hierarchy => App.Services.GetRequiredService<HierarchyService>();

    /// <summary>Alpha: two alerts chose it. Bravo: the partner Acme's own, inherited by one alert in Ops. Charlie: unused.</summary>
    private async Task<int> ArrangeAsync()
    {
        await CreateCredentialAsync("Alpha");
        var bravo = await CreateCredentialAsync("Bravo");
        await CreateCredentialAsync("Charlie");
        await CreateAlertAsync("Latency high", "https://hooks.example.com/latency", "Alpha");
        await CreateAlertAsync("Errors high", "https://hooks.example.com/errors", "Alpha");
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var workspace = (await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops",
            (await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id)).Id;
        Assert.Equal(SaveStatus.Saved, (await Hierarchy.SetCredentialAsync(partner, bravo)).Status);
        var inheriting = await App.Alerts.CreateAsync(new AlertInput
        {
            Name = "Ops inherits",
            Kind = AlertKind.RuntimeAlert,
            Metric = "http.latency_p95_ms",
            Threshold = 800,
            WebhookEnabled = true,
            WebhookUrl = "https://hooks.example.com/ops",
            WorkspaceId = workspace,
            InheritsCredential = true,
        });
        Assert.Equal(SaveStatus.Saved, inheriting.Status);
        return inheriting.Id;
    }

    [Fact]
    public async Task The_column_counts_and_sorts_both_ways_and_the_URL_keeps_the_sort()
    {
        await ArrangeAsync();
        var list = await LogInAndOpenCredentialsAsync();

        await Expect(list.UsedBy("Alpha")).ToHaveTextAsync("2");
        await Expect(list.UsedBy("Bravo")).ToHaveTextAsync("1");
        await Expect(list.UsedBy("Charlie")).ToHaveTextAsync("0");

        await list.SortByAsync("Used by");
        await list.ExpectNamesAsync("Charlie", "Bravo", "Alpha");
        await Expect(Page).ToHaveURLAsync(new Regex("sort=usedby&dir=asc"));
        await Expect(list.ColumnHeader("Used by")).ToHaveAttributeAsync("aria-sort", "ascending");

        await list.SortByAsync("Used by");
        await list.ExpectNamesAsync("Alpha", "Bravo", "Charlie");
        await Expect(Page).ToHaveURLAsync(new Regex("sort=usedby&dir=desc"));

        await list.ReloadAsync();
        await list.ExpectNamesAsync("Alpha", "Bravo", "Charlie");
        await Expect(list.ColumnHeader("Used by")).ToHaveAttributeAsync("aria-sort", "descending");
    }

    [Fact]
    public async Task The_credential_page_lists_the_alerts_and_the_level_with_working_links()
    {
        var inheritingId = await ArrangeAsync();
        var list = await LogInAndOpenCredentialsAsync();

        await list.NameLink("Alpha").ClickAsync();
        var usedBy = new CredentialUsedBySection(Page);
        await Expect(usedBy.Alerts).ToHaveTextAsync(["Errors high (Runtime Alert)", "Latency high (Runtime Alert)"]);
        await Expect(usedBy.Levels).ToHaveCountAsync(0);
        await usedBy.Alerts.Filter(new() { HasText = "Latency high" }).ClickAsync();
        await new AlertOverviewPage(Page, "Latency high").ExpectOpenAsync();

        await list.GotoAsync();
        await list.NameLink("Bravo").ClickAsync();
        await Expect(usedBy.Levels).ToHaveTextAsync(["Partner Acme (own credential)"]);
        await Expect(usedBy.InheritingThrough("Partner Acme (own credential)")).ToHaveTextAsync(["Ops inherits (Runtime Alert, inherited)"]);
        await usedBy.InheritingThrough("Partner Acme (own credential)").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"flexible-actions/runtime-alerts/{inheritingId}$"));
        await new AlertOverviewPage(Page, "Ops inherits").ExpectOpenAsync();
        await Page.GoBackAsync();
        await usedBy.Levels.ClickAsync();
        await new HierarchyPage(Page).ExpectOpenAsync();

        await list.GotoAsync();
        await list.NameLink("Charlie").ClickAsync();
        await Expect(usedBy.Empty).ToBeVisibleAsync();
    }
}
