using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

public class WebhookActionEditorTests : PortalComponentTest
{
    private async Task<IRenderedComponent<WebhookActionEditor>> RenderOpenAsync(AlertInput input)
    {
        var editor = Render<WebhookActionEditor>(p => p.Add(x => x.Input, input));
        var autocomplete = editor.FindComponent<MudAutocomplete<CredentialChoice>>();
        await autocomplete.InvokeAsync(() => autocomplete.Instance.OpenMenuAsync());
        return editor;
    }

    private string[] Choices() =>
        Popovers.WaitForElements(".mud-popover-open .mud-list-item").Select(i => i.TextContent.Trim()).ToArray();

    [Fact]
    public void The_webhook_fields_appear_when_the_option_is_on()
    {
        var input = new AlertInput { Kind = AlertKind.RuntimeAlert };
        var editor = Render<WebhookActionEditor>(p => p.Add(x => x.Input, input));
        Assert.Empty(editor.FindComponents<MudAutocomplete<CredentialChoice>>());

        input.WebhookEnabled = true;
        editor.Render();

        Assert.Equal(["Webhook", "URL", "Method", "Credential"],
            editor.FindAll("label").Select(l => l.TextContent.Trim().TrimEnd('*').Trim()).Where(t => t is "Webhook" or "URL" or "Method" or "Credential"));
        Assert.Equal("POST", input.WebhookMethod);
    }

    [Fact]
    public async Task Offers_no_auth_inherit_and_each_credential_with_type_and_last_modified_to_tell_twins_apart()
    {
        await SeedAsync(CredentialInputs.ClientId("Twin"));
        await SeedAsync(CredentialInputs.ClientIdAndSecret("Twin"));

        await RenderOpenAsync(new AlertInput { Kind = AlertKind.RuntimeAlert, WebhookEnabled = true });

        var choices = Choices();
        Assert.Equal("No Auth", choices[0]);
        Assert.StartsWith("Inherit", choices[1]);
        Assert.Equal(4, choices.Length);
        Assert.Contains("Client ID and Secret · modified Nov 23, 2026, 09:05 UTC", choices[2]);
        Assert.Contains("Client ID · modified Nov 23, 2026, 09:00 UTC", choices[3]);
        Assert.All(choices[2..], c => Assert.StartsWith("Twin", c));
    }

    [Fact]
    public async Task Choosing_a_credential_and_then_no_auth_sets_the_input()
    {
        var id = await SeedAsync(CredentialInputs.ClientIdAndSecret("Hyrule"));
        var input = new AlertInput { Kind = AlertKind.RuntimeAlert, WebhookEnabled = true };
        var editor = await RenderOpenAsync(input);

        await Popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Contains("Hyrule")).ClickAsync(new());
        Assert.Equal(id, input.CredentialId);

        var autocomplete = editor.FindComponent<MudAutocomplete<CredentialChoice>>();
        await autocomplete.InvokeAsync(() => autocomplete.Instance.OpenMenuAsync());
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "No Auth").ClickAsync(new());
        Assert.Null(input.CredentialId);
    }

    [Fact]
    public async Task Typing_searches_credentials_by_name()
    {
        await SeedAsync(CredentialInputs.ClientId("Stripe production"));
        await SeedAsync(CredentialInputs.ClientId("PagerDuty"));
        var editor = Render<WebhookActionEditor>(p => p.Add(x => x.Input, new AlertInput { Kind = AlertKind.RuntimeAlert, WebhookEnabled = true }));

        var autocomplete = editor.FindComponent<MudAutocomplete<CredentialChoice>>();
        await autocomplete.Find("input").InputAsync(new() { Value = "stripe" });

        Popovers.WaitForAssertion(() => Assert.StartsWith("Stripe production",
            Assert.Single(Popovers.FindAll(".mud-popover-open .mud-list-item")).TextContent.Trim()), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Inherit_sets_the_input_and_shows_what_the_workspace_uses_now_and_from_which_level()
    {
        var hierarchy = Services.GetRequiredService<HierarchyService>();
        var acmeKey = await SeedAsync(new CredentialInput { Name = "Acme key", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "acme-token" });
        var partner = (await hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", HierarchyDefaults.PlatformId)).Id;
        Assert.True((await hierarchy.SetCredentialAsync(partner, acmeKey)).Succeeded);
        var organization = (await hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id;
        var workspace = (await hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops", organization)).Id;
        var input = new AlertInput { Kind = AlertKind.RuntimeAlert, WebhookEnabled = true, WorkspaceId = workspace, CredentialId = acmeKey };
        var editor = await RenderOpenAsync(input);

        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim().StartsWith("Inherit")).ClickAsync(new());

        Assert.True(input.InheritsCredential);
        Assert.Null(input.CredentialId);
        editor.WaitForAssertion(() => Assert.Equal("Now: Bearer Token 'Acme key', inherited from partner Acme.",
            editor.Find("[data-testid=inherited-credential]").TextContent.Trim()), TimeSpan.FromSeconds(15));

        var autocomplete = editor.FindComponent<MudAutocomplete<CredentialChoice>>();
        await autocomplete.InvokeAsync(() => autocomplete.Instance.OpenMenuAsync());
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "No Auth").ClickAsync(new());
        Assert.False(input.InheritsCredential);
        Assert.Null(input.CredentialId);
        editor.WaitForAssertion(() => Assert.Empty(editor.FindAll("[data-testid=inherited-credential]")), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void An_alert_that_inherits_opens_with_Inherit_chosen_and_says_No_Auth_when_no_level_has_a_credential()
    {
        var input = new AlertInput { Kind = AlertKind.RuntimeAlert, WebhookEnabled = true, InheritsCredential = true };

        var editor = Render<WebhookActionEditor>(p => p.Add(x => x.Input, input));

        editor.WaitForAssertion(() => Assert.Equal("Inherit", editor.FindComponent<MudAutocomplete<CredentialChoice>>().Find("input").GetAttribute("value")), TimeSpan.FromSeconds(15));
        Assert.Contains("Now: No Auth", editor.Find("[data-testid=inherited-credential]").TextContent);
    }
}
