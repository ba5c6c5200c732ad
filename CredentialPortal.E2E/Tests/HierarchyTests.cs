using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// Settings › Hierarchy: the tree is built, renamed and pruned by a person, and an alert whose Credential is Inherit
/// sends with whatever its workspace's levels say at the moment of sending.
/// </summary>
public sealed class HierarchyTests(BrowserFixture browser) : PortalTest(browser)
{
    private const string PartnerToken = "acme-partner-token-2741";
    private const string OverrideToken = "europe-override-token-9315";

    private async Task<HierarchyPage> LogInAndOpenHierarchyAsync()
    {
        await LogInAndOpenCredentialsAsync();
        var hierarchy = new HierarchyPage(Page);
        await hierarchy.GotoAsync();
        return hierarchy;
    }

    private async Task CreateBearerTokenAsync(string name, string token)
    {
        var saved = await App.Credentials.CreateAsync(new CredentialInput
        {
            Name = name,
            Type = CredentialType.BearerToken,
            FieldName = "Authorization",
            Location = CredentialLocation.Header,
            Secret = token,
        });
        Assert.Equal(SaveStatus.Saved, saved.Status);
    }

    [Fact]
    public async Task Partners_organizations_and_workspaces_are_added_renamed_and_deleted_but_not_while_something_remains_below()
    {
        var hierarchy = await LogInAndOpenHierarchyAsync();

        // A fresh database: the platform and the Default partner, organization and workspace.
        await Expect(hierarchy.Node("Platform", "Platform")).ToBeVisibleAsync();
        await Expect(hierarchy.Node("Partner", "Default")).ToBeVisibleAsync();
        await Expect(hierarchy.Node("Organization", "Default")).ToBeVisibleAsync();
        await Expect(hierarchy.Node("Workspace", "Default")).ToBeVisibleAsync();
        await Expect(hierarchy.CredentialLine("Workspace", "Default")).ToHaveTextAsync("Inherits from Default: No Auth (no level above has a credential)");
        await Expect(hierarchy.Button("Platform", "Platform", "Delete Platform Platform")).ToHaveCountAsync(0);
        await Expect(hierarchy.Button("Workspace", "Default", "Add workspace to Default")).ToHaveCountAsync(0);

        // A name is required: the message stands beside the field and nothing is added; Escape closes the dialog.
        await hierarchy.OpenAddAsync("Platform", "Platform", "Partner");
        await hierarchy.DialogButton("Add").ClickAsync();
        await Expect(hierarchy.Dialog).ToContainTextAsync("Name is required.");
        await Page.Keyboard.PressAsync("Escape");
        await Expect(hierarchy.Dialog).ToBeHiddenAsync();

        await hierarchy.AddAsync("Platform", "Platform", "Partner", "Acme");
        await Expect(hierarchy.Snackbar("added")).ToContainTextAsync("Partner “Acme” added to Platform.");
        await hierarchy.AddAsync("Partner", "Acme", "Organization", "Europe");
        await hierarchy.AddAsync("Organization", "Europe", "Workspace", "Ops");
        // Nested where it belongs: the workspace is listed inside the organization, inside the partner.
        await Expect(hierarchy.Page.GetByRole(AriaRole.List, new() { Name = "In Partner Acme", Exact = true })
            .GetByRole(AriaRole.List, new() { Name = "In Organization Europe", Exact = true })
            .GetByRole(AriaRole.Group, new() { Name = "Workspace Ops", Exact = true })).ToBeVisibleAsync();

        // Siblings cannot share a name; the typed name stays for a correction.
        await hierarchy.OpenAddAsync("Partner", "Acme", "Organization");
        await hierarchy.NameField.FillAsync("europe");
        await hierarchy.DialogButton("Add").ClickAsync();
        await Expect(hierarchy.Dialog).ToContainTextAsync("already has an entity named 'europe'");
        await Expect(hierarchy.NameField).ToHaveValueAsync("europe");
        await hierarchy.DialogButton("Cancel").ClickAsync();
        await Expect(hierarchy.Dialog).ToBeHiddenAsync();

        await hierarchy.RenameAsync("Workspace", "Ops", "Operations");
        await Expect(hierarchy.Node("Workspace", "Ops")).ToHaveCountAsync(0);

        // Refused while an organization remains under the partner: the service's reason, and the partner stays.
        var dialog = await hierarchy.DeleteAsync("Partner", "Acme");
        await dialog.ConfirmAsync();
        await Expect(hierarchy.Snackbar("Not deleted")).ToContainTextAsync("still has 1 organization");
        await Expect(hierarchy.Node("Partner", "Acme")).ToBeVisibleAsync();

        // Cancel keeps; confirmed deletions go bottom up.
        dialog = await hierarchy.DeleteAsync("Workspace", "Operations");
        await dialog.CancelAsync();
        await Expect(hierarchy.Node("Workspace", "Operations")).ToBeVisibleAsync();
        dialog = await hierarchy.DeleteAsync("Workspace", "Operations");
        await dialog.ConfirmAsync();
        await Expect(hierarchy.Snackbar("Workspace “Operations” was deleted.")).ToBeVisibleAsync();
        await Expect(hierarchy.Node("Workspace", "Operations")).ToHaveCountAsync(0);
        await (await hierarchy.DeleteAsync("Organization", "Europe")).ConfirmAsync();
        await (await hierarchy.DeleteAsync("Partner", "Acme")).ConfirmAsync();
        await Expect(hierarchy.Node("Partner", "Acme")).ToHaveCountAsync(0);

        // Stored, not only shown.
        await hierarchy.ReloadAsync();
        await Expect(hierarchy.Tree.GetByRole(AriaRole.Group)).ToHaveCountAsync(4);
    }

    [Fact]
    public async Task Every_node_and_its_buttons_fit_a_phone_and_are_reached_from_the_keyboard()
    {
        var hierarchy = await LogInAndOpenHierarchyAsync();
        await Page.SetViewportSizeAsync(390, 844);
        await hierarchy.ReloadAsync();
        await hierarchy.AddAsync("Platform", "Platform", "Partner", "A partner with a rather long name for a phone");
        await hierarchy.AddAsync("Partner", "A partner with a rather long name for a phone", "Organization", "An organization named at length too");
        await hierarchy.AddAsync("Organization", "An organization named at length too", "Workspace", "Workspace");

        Assert.False(await hierarchy.OverflowsHorizontallyAsync(), "The tree is wider than a phone.");
        var delete = hierarchy.Button("Workspace", "Workspace", "Delete Workspace Workspace");
        var box = await delete.BoundingBoxAsync() ?? throw new InvalidOperationException("Not rendered.");
        Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"Delete spans {box.X}..{box.X + box.Width}");

        // Tab reaches the workspace's buttons; Enter opens its rename dialog.
        var rename = hierarchy.Button("Workspace", "Workspace", "Rename Workspace Workspace");
        await hierarchy.Button("Organization", "An organization named at length too", "Delete Organization An organization named at length too").FocusAsync();
        await Page.Keyboard.PressAsync("Tab");
        await Expect(hierarchy.Button("Workspace", "Workspace", "Credential of Workspace Workspace")).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Tab");
        await Expect(rename).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(hierarchy.NameField).ToHaveValueAsync("Workspace");
        // The dialog handles Escape once it has taken the focus (its first field), not while it is still opening.
        await Expect(hierarchy.NameField).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Escape");
        await Expect(hierarchy.Dialog).ToBeHiddenAsync();
    }

    [Fact]
    public async Task An_alert_that_inherits_uses_the_partners_credential_then_an_organizations_override_then_the_partners_again_once_the_override_is_deleted()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await CreateBearerTokenAsync("Acme key", PartnerToken);
        await CreateBearerTokenAsync("Europe key", OverrideToken);
        var shell = new AppShell(Page);

        // The partner's credential, and a new organization and workspace under it.
        var hierarchy = await LogInAndOpenHierarchyAsync();
        await hierarchy.AddAsync("Platform", "Platform", "Partner", "Acme");
        await hierarchy.SetCredentialAsync("Partner", "Acme", "Acme key");
        await Expect(hierarchy.CredentialLine("Partner", "Acme")).ToHaveTextAsync("Own credential: Bearer Token 'Acme key'");
        await hierarchy.AddAsync("Partner", "Acme", "Organization", "Europe");
        await hierarchy.AddAsync("Organization", "Europe", "Workspace", "Ops");
        await Expect(hierarchy.CredentialLine("Workspace", "Ops")).ToHaveTextAsync("Inherits from Europe: Bearer Token 'Acme key' from partner Acme");

        // A Runtime Alert in that workspace whose Credential is Inherit.
        var alerts = await shell.OpenRuntimeAlertsAsync();
        var form = await alerts.NewAlertAsync();
        await form.Name.FillAsync("Acme latency");
        await form.ExpectChoiceAsync("Workspace", "Default (Default › Default)");
        await form.ChooseWorkspaceAsync("Ops (Acme › Europe)");
        await form.NextAsync("CONDITIONS");
        await form.SetConditionAsync("Latency p95 (ms)", ">", "800", "5 min");
        await form.NextAsync("ACTIONS");
        await form.EnableWebhookAsync(receiver.Url("/hooks/acme"));
        await form.ChooseCredentialAsync("Inherit");
        await Expect(form.InheritedCredential).ToHaveTextAsync("Now: Bearer Token 'Acme key', inherited from partner Acme.");
        var overview = await form.SaveAsync("Acme latency");
        await Expect(overview.Auth).ToContainTextAsync("Bearer Token 'Acme key', inherited from partner Acme");

        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        Assert.Equal($"Bearer {PartnerToken}", (await receiver.WaitForRequestsAsync(1))[0].Header("Authorization"));

        // The organization's own credential overrides the partner's for the very next delivery.
        await hierarchy.GotoAsync();
        await hierarchy.SetCredentialAsync("Organization", "Europe", "Europe key");
        await Expect(hierarchy.CredentialLine("Workspace", "Ops")).ToHaveTextAsync("Inherits from Europe: Bearer Token 'Europe key' from organization Europe");
        alerts = await shell.OpenRuntimeAlertsAsync();
        overview = await alerts.OpenAsync("Acme latency");
        await Expect(overview.Auth).ToContainTextAsync("Bearer Token 'Europe key', inherited from organization Europe");
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        Assert.Equal($"Bearer {OverrideToken}", (await receiver.WaitForRequestsAsync(2))[1].Header("Authorization"));

        // Deleting the override in Webhook Credentials: the dialog names the level, which falls back to its parent.
        var credentials = await shell.OpenWebhookCredentialsAsync();
        var dialog = await credentials.DeleteAsync("Europe key");
        await Expect(dialog.ListedLevels).ToHaveCountAsync(1);
        await Expect(dialog.ListedLevels).ToHaveTextAsync("Organization Europe (own credential)");
        await Expect(dialog.Dialog).ToContainTextAsync("each will inherit its parent's instead");
        await Expect(dialog.ListedInheritingAlerts).ToHaveTextAsync(new Regex(@"^\s*Acme latency \(Runtime Alert, inherited\)\s*$"));
        await Expect(dialog.ListedAlerts).ToHaveCountAsync(0);
        await dialog.ConfirmAsync();
        await Expect(credentials.Snackbar("deleted")).ToContainTextAsync("Europe key");

        alerts = await shell.OpenRuntimeAlertsAsync();
        overview = await alerts.OpenAsync("Acme latency");
        await Expect(overview.Auth).ToContainTextAsync("Bearer Token 'Acme key', inherited from partner Acme");
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        Assert.Equal($"Bearer {PartnerToken}", (await receiver.WaitForRequestsAsync(3))[2].Header("Authorization"));

        await hierarchy.GotoAsync();
        await Expect(hierarchy.CredentialLine("Organization", "Europe")).ToHaveTextAsync("Inherits from Acme: Bearer Token 'Acme key' from partner Acme");
    }
}
