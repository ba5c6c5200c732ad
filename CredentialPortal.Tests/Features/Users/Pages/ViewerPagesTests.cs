using Bunit;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Hierarchy.Pages;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Users.Pages;

/// <summary>A Viewer sees the pages' content but is offered no control that changes anything; an Editor is offered them.</summary>
public class ViewerPagesTests : PortalComponentTest
{
    [Theory]
    [InlineData(PortalRoles.Viewer, false)]
    [InlineData(PortalRoles.Editor, true)]
    public async Task The_credentials_tab_offers_new_and_delete_only_to_editors(string role, bool offered)
    {
        await SeedAsync(CredentialInputs.ClientId("Partner API"));
        ActAs(role);

        var page = Render<CredentialsPage>();

        page.WaitForAssertion(() => Assert.Contains("Partner API", page.Find("tbody").TextContent));
        Assert.Equal(offered, page.FindAll("a[href='integrations/webhook-credentials/new']").Count == 1);
        Assert.Equal(offered, page.FindAll("button[aria-label=Delete]").Count == 1);
        Assert.Single(page.FindAll("button[aria-label=Edit]")); // opening it to read stays
    }

    [Theory]
    [InlineData(PortalRoles.Viewer, false)]
    [InlineData(PortalRoles.Editor, true)]
    public async Task The_credential_form_offers_save_only_to_editors(string role, bool offered)
    {
        var id = await SeedAsync(CredentialInputs.ClientId("Partner API"));
        ActAs(role);
        Services.GetRequiredService<NavigationManager>().NavigateTo($"integrations/webhook-credentials/{id}");

        var page = Render<CredentialFormPage>(p => p.Add(c => c.Id, id));

        page.WaitForAssertion(() => Assert.Contains("Partner API", page.Markup));
        Assert.Equal(offered, page.FindAll("button[type=submit]").Any(b => b.TextContent.Trim() == "Save"));
    }

    [Theory]
    [InlineData(PortalRoles.Viewer, false)]
    [InlineData(PortalRoles.Editor, true)]
    public async Task An_alerts_overview_offers_edit_delete_and_send_test_only_to_editors(string role, bool offered)
    {
        var alert = await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri("http://127.0.0.1:9/hooks")));
        ActAs(role);

        var page = Render<AlertOverviewPage>(p => p.Add(c => c.Id, alert.Id));

        page.WaitForAssertion(() => Assert.Contains("CPU high", page.Markup));
        var buttons = page.FindAll("a, button").Select(b => b.TextContent.Trim()).ToHashSet();
        Assert.Equal(offered, buttons.Contains("Edit"));
        Assert.Equal(offered, buttons.Contains("Delete"));
        Assert.Equal(offered, buttons.Contains("Send test"));
    }

    [Theory]
    [InlineData(PortalRoles.Viewer, 0)]
    [InlineData(PortalRoles.Editor, 1)]
    public async Task The_hierarchy_offers_its_changes_only_to_editors(string role, int offered)
    {
        await Services.GetRequiredService<HierarchyService>().CreateAsync(HierarchyLevel.Partner, "Acme", HierarchyDefaults.PlatformId);
        ActAs(role);

        var page = Render<HierarchyPage>();

        page.WaitForAssertion(() => Assert.Contains("Acme", page.Markup));
        Assert.Equal(offered, page.FindAll("button[aria-label='Rename Partner Acme']").Count);
        Assert.Equal(offered, page.FindAll("button[aria-label='Delete Partner Acme']").Count);
    }
}
