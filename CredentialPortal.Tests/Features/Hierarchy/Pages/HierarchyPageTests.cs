using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Hierarchy.Pages;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Hierarchy.Pages;

public class HierarchyPageTests : PortalComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private HierarchyService Hierarchy => Services.GetRequiredService<HierarchyService>();

    private static IElement Node(IRenderedComponent<HierarchyPage> page, string label) =>
        page.FindAll("[role=group]").Single(g => g.GetAttribute("aria-label") == label);

    private static string CredentialLine(IRenderedComponent<HierarchyPage> page, string label) =>
        Node(page, label).QuerySelector("[data-testid=hierarchy-credential]")!.TextContent.Trim();

    /// <summary>
    /// Presses a node's button. Its handler waits for the dialog it opens, so the returned task ends only once the
    /// dialog is answered: answer it first, then await.
    /// </summary>
    private static Task ClickAsync(IRenderedComponent<HierarchyPage> page, string label, string button) =>
        Node(page, label).QuerySelectorAll("button").Single(b => b.GetAttribute("aria-label") == button).ClickAsync(new());

    private async Task<(Guid Partner, Guid Organization, Guid Workspace)> AcmeAsync()
    {
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", HierarchyDefaults.PlatformId)).Id;
        var organization = (await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id;
        var workspace = (await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops", organization)).Id;
        return (partner, organization, workspace);
    }

    private Task<int> BearerAsync(string name) =>
        SeedAsync(new CredentialInput { Name = name, Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "token-" + name });

    [Fact]
    public async Task Each_level_shows_its_own_credential_or_what_it_inherits_and_from_which_level()
    {
        var (partner, organization, _) = await AcmeAsync();
        await Hierarchy.SetCredentialAsync(partner, await BearerAsync("Acme key"));

        var page = Render<HierarchyPage>();

        page.WaitForAssertion(() => Assert.Equal("Own credential: Bearer Token 'Acme key'", CredentialLine(page, "Partner Acme")), Wait);
        Assert.Equal("Inherits from Acme: Bearer Token 'Acme key' from partner Acme", CredentialLine(page, "Organization Europe"));
        Assert.Equal("Inherits from Europe: Bearer Token 'Acme key' from partner Acme", CredentialLine(page, "Workspace Ops"));
        Assert.Equal("Inherits from Default: No Auth (no level above has a credential)", CredentialLine(page, "Workspace Default"));
        Assert.Equal("No credential of its own: No Auth unless a lower level sets one", CredentialLine(page, "Platform Platform"));

        // A lower level's own credential wins for everything below it.
        await Hierarchy.SetCredentialAsync(organization, await BearerAsync("Europe key"));
        page = Render<HierarchyPage>();
        page.WaitForAssertion(() => Assert.Equal("Inherits from Europe: Bearer Token 'Europe key' from organization Europe", CredentialLine(page, "Workspace Ops")), Wait);
    }

    [Fact]
    public async Task Only_levels_below_a_workspace_can_be_added_and_the_platform_cannot_be_deleted()
    {
        var page = Render<HierarchyPage>();
        page.WaitForAssertion(() => Node(page, "Workspace Default"), Wait);

        string[] Buttons(string label) => Node(page, label).QuerySelectorAll("button").Select(b => b.GetAttribute("aria-label")!).ToArray();
        Assert.Equal(["Add partner to Platform", "Credential of Platform Platform", "Rename Platform Platform"], Buttons("Platform Platform"));
        Assert.Equal(["Add organization to Default", "Credential of Partner Default", "Rename Partner Default", "Delete Partner Default"], Buttons("Partner Default"));
        Assert.Equal(["Credential of Workspace Default", "Rename Workspace Default", "Delete Workspace Default"], Buttons("Workspace Default"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Adding_shows_the_services_message_beside_the_name_and_keeps_what_was_typed()
    {
        await AcmeAsync();
        var page = Render<HierarchyPage>();
        page.WaitForAssertion(() => Node(page, "Partner Acme"), Wait);

        var adding = ClickAsync(page, "Partner Acme", "Add organization to Acme");
        var field = Dialogs.WaitForElement("[role=dialog] input", Wait);
        await field.InputAsync(new() { Value = "EUROPE" });
        await Dialogs.Find("[role=dialog] form").SubmitAsync();

        Dialogs.WaitForAssertion(() => Assert.Contains("Partner 'Acme' already has an entity named 'EUROPE'.", Dialogs.Find("[role=dialog]").TextContent), Wait);
        Assert.Equal("EUROPE", Dialogs.Find("[role=dialog] input").GetAttribute("value"));
        Assert.Single(await Hierarchy.ListAsync(HierarchyLevel.Organization, (await Hierarchy.ListAsync(HierarchyLevel.Partner)).Single(p => p.Name == "Acme").Id));

        await Dialogs.Find("[role=dialog] input").InputAsync(new() { Value = "Asia" });
        await Dialogs.Find("[role=dialog] form").SubmitAsync();

        await adding;
        page.WaitForAssertion(() => Node(page, "Organization Asia"), Wait);
        Snackbars.WaitForAssertion(() => Assert.Contains("Organization “Asia” added to Acme.", Snackbars.Markup), Wait);
    }

    [Fact]
    public async Task A_refused_deletion_shows_the_services_reason_and_keeps_the_entity()
    {
        var (_, _, workspace) = await AcmeAsync();
        var alert = AlertInputs.RuntimeAlert("Acme latency");
        alert.WorkspaceId = workspace;
        Assert.Equal(SaveStatus.Saved, (await Database.Alerts.CreateAsync(alert)).Status);
        var page = Render<HierarchyPage>();
        page.WaitForAssertion(() => Node(page, "Workspace Ops"), Wait);

        var deleting = ClickAsync(page, "Workspace Ops", "Delete Workspace Ops");
        await Dialogs.WaitForElement("[data-testid=dialog-confirm]", Wait).ClickAsync(new());
        await deleting;

        Snackbars.WaitForAssertion(() => Assert.Contains("Not deleted. Workspace 'Ops' still has 1 alert", Snackbars.Markup), Wait);
        Assert.NotNull(await Hierarchy.GetAsync(workspace));
        Assert.Single(page.FindAll("[role=group]"), g => g.GetAttribute("aria-label") == "Workspace Ops");
    }

    [Fact]
    public async Task Setting_and_clearing_a_levels_credential_goes_back_to_inheriting()
    {
        var (partner, organization, _) = await AcmeAsync();
        await Hierarchy.SetCredentialAsync(partner, await BearerAsync("Acme key"));
        await BearerAsync("Europe key");
        var page = Render<HierarchyPage>();
        page.WaitForAssertion(() => Node(page, "Organization Europe"), Wait);

        var setting = ClickAsync(page, "Organization Europe", "Credential of Organization Europe");
        Dialogs.WaitForAssertion(() => Assert.Contains("No credential of its own now: it inherits from Acme, Bearer Token 'Acme key' from partner Acme.",
            Dialogs.Find("[data-testid=credential-now]").TextContent), Wait);
        Assert.DoesNotContain(Dialogs.FindAll("[role=dialog] button"), b => b.TextContent.Trim() == "Clear");
        var choice = Dialogs.FindComponent<MudAutocomplete<CredentialRow>>();
        await choice.InvokeAsync(() => choice.Instance.OpenMenuAsync());
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item", Wait).Single(i => i.TextContent.Contains("Europe key")).ClickAsync(new());
        await Dialogs.FindAll("[role=dialog] button").Single(b => b.TextContent.Trim() == "Save").ClickAsync(new());
        await setting;

        page.WaitForAssertion(() => Assert.Equal("Own credential: Bearer Token 'Europe key'", CredentialLine(page, "Organization Europe")), Wait);
        Assert.Equal("Europe key", (await Hierarchy.GetEffectiveAsync(organization))!.CredentialName);

        var clearing = ClickAsync(page, "Organization Europe", "Credential of Organization Europe");
        await Dialogs.WaitForElements("[role=dialog] button", Wait).Single(b => b.TextContent.Trim() == "Clear").ClickAsync(new());
        await clearing;

        page.WaitForAssertion(() => Assert.Equal("Inherits from Acme: Bearer Token 'Acme key' from partner Acme", CredentialLine(page, "Organization Europe")), Wait);
        Assert.Null((await Hierarchy.GetAsync(organization))!.CredentialId);
        Snackbars.WaitForAssertion(() => Assert.Contains("Europe has no credential of its own now: it inherits from Acme.", Snackbars.Markup), Wait);
    }

    [Fact]
    public async Task After_a_refused_add_the_tree_shows_what_someone_else_added_meanwhile()
    {
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", HierarchyDefaults.PlatformId)).Id;
        var page = Render<HierarchyPage>();
        page.WaitForAssertion(() => Node(page, "Partner Acme"), Wait);
        Assert.True((await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Asia", partner)).Succeeded); // someone else

        var adding = ClickAsync(page, "Partner Acme", "Add organization to Acme");
        await Dialogs.WaitForElement("[role=dialog] input", Wait).InputAsync(new() { Value = "Asia" });
        await Dialogs.Find("[role=dialog] form").SubmitAsync();
        Dialogs.WaitForAssertion(() => Assert.Contains("already has an entity named 'Asia'", Dialogs.Find("[role=dialog]").TextContent), Wait);
        await Dialogs.FindAll("[role=dialog] button").Single(b => b.TextContent.Trim() == "Cancel").ClickAsync(new());
        await adding;

        page.WaitForAssertion(() => Node(page, "Organization Asia"), Wait);
    }
}
