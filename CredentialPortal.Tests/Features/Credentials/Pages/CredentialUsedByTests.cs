using Bunit;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials.Pages;

public class CredentialUsedByTests : PortalComponentTest
{
    private HierarchyService Hierarchy => Database.Services.GetRequiredService<HierarchyService>();

    private static string[] Links(AngleSharp.Dom.IElement list) =>
        list.QuerySelectorAll(":scope > li > a").Select(a => $"{a.TextContent.Trim()} -> {a.GetAttribute("href")}").ToArray();

    [Fact]
    public async Task Groups_the_alerts_that_chose_it_and_the_levels_with_the_alerts_inheriting_through_each_as_links()
    {
        var key = await SeedAsync(CredentialInputs.ClientId("Acme key"));
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var workspace = (await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops",
            (await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id)).Id;
        await Hierarchy.SetCredentialAsync(partner, key);
        var chose = (await Database.Alerts.CreateAsync(AlertInputs.PlatformEvent("Deploy failed", new Uri("https://hooks.example.com/a"), key))).Id;
        var inheritingInput = AlertInputs.RuntimeAlert("CPU high", new Uri("https://hooks.example.com/b"));
        (inheritingInput.WorkspaceId, inheritingInput.InheritsCredential) = (workspace, true);
        var inheriting = (await Database.Alerts.CreateAsync(inheritingInput)).Id;

        var cut = Render<CredentialUsedBy>(p => p.Add(c => c.CredentialId, key));

        var alerts = cut.WaitForElement("ul[aria-label='Alerts using it']");
        Assert.Equal([$"Deploy failed (Platform Event) -> flexible-actions/platform-events/{chose}"], Links(alerts));
        var levels = cut.Find("ul[aria-label='Hierarchy levels with it as their own']");
        Assert.Equal(["Partner Acme (own credential) -> settings/hierarchy"], Links(levels));
        var inheritingList = levels.QuerySelector("li > ul[aria-label='Alerts inheriting it through Partner Acme (own credential)']");
        Assert.NotNull(inheritingList);
        Assert.Equal([$"CPU high (Runtime Alert, inherited) -> flexible-actions/runtime-alerts/{inheriting}"], Links(inheritingList!));
        Assert.Contains("Alerts using it", cut.Markup);
        Assert.Contains("Hierarchy levels with it as their own", cut.Markup);
        Assert.Contains("(2 in all)", cut.Find("[data-testid=used-by-count]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=used-by-empty]"));
    }

    [Fact]
    public async Task An_unused_credential_says_so()
    {
        var key = await SeedAsync(CredentialInputs.ClientId("Unused"));

        var cut = Render<CredentialUsedBy>(p => p.Add(c => c.CredentialId, key));

        var empty = cut.WaitForElement("[data-testid=used-by-empty]");
        Assert.Contains("No alert uses this credential", empty.TextContent);
        Assert.Empty(cut.FindAll("ul"));
    }

    [Fact]
    public void A_new_credential_shows_nothing()
    {
        var cut = Render<CredentialUsedBy>(p => p.Add(c => c.CredentialId, (int?)null));

        Assert.Empty(cut.FindAll("[data-testid=credential-used-by]"));
    }
}
