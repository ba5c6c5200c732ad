using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

public class AlertFormPageTests : PortalComponentTest
{
    private readonly SaveGate<Alert> gate = new() { Armed = false };

    protected override void ConfigureDatabase(IServiceCollection services) => gate.Register(services);

    private static IElement Button(IRenderedComponent<AlertFormPage> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static Task NextAsync(IRenderedComponent<AlertFormPage> page) => page.Find("form").SubmitAsync();

    [Fact]
    public void The_kind_comes_from_the_pages_own_address_not_from_its_query()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("flexible-actions/runtime-alerts/new?next=/flexible-actions/platform-events/");

        var page = Render<AlertFormPage>();

        page.WaitForAssertion(() => Assert.Equal("New Runtime Alert", page.Find("h1").TextContent.Trim()), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task The_workspace_starts_at_Default_and_each_option_names_the_workspace_with_its_partner_and_organization()
    {
        var hierarchy = Services.GetRequiredService<HierarchyService>();
        var partner = (await hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", HierarchyDefaults.PlatformId)).Id;
        var organization = (await hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id;
        await hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops", organization);
        Services.GetRequiredService<NavigationManager>().NavigateTo("flexible-actions/runtime-alerts/new");

        var page = Render<AlertFormPage>();

        page.WaitForState(() => page.FindComponents<MudSelect<Guid>>().Any(s => s.Instance.Label == "Workspace"), TimeSpan.FromSeconds(15));
        var select = page.FindComponents<MudSelect<Guid>>().Single(s => s.Instance.Label == "Workspace");
        Assert.Equal("Default (Default › Default)", select.Find("input").GetAttribute("value"));
        await select.InvokeAsync(select.Instance.OpenMenu);
        var options = Popovers.WaitForElements(".mud-popover-open .mud-list-item", TimeSpan.FromSeconds(15)).Select(i => i.TextContent.Trim());
        Assert.Equal(["Ops (Acme › Europe)", "Default (Default › Default)"], options);

        await Popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "Ops (Acme › Europe)").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("Ops (Acme › Europe)", select.Find("input").GetAttribute("value")), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Save_is_disabled_while_saving_and_a_second_submit_is_ignored_so_one_alert_is_created()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("flexible-actions/platform-events/new");
        var page = Render<AlertFormPage>();
        // The form renders once its choices are loaded, which is really asynchronous on PostgreSQL.
        page.WaitForState(() => page.FindComponents<MudTextField<string>>().Any(f => f.Instance.Label == "Name"), TimeSpan.FromSeconds(15));
        await page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Name").Find("input").InputAsync(new() { Value = "Once" });
        await NextAsync(page);
        var select = page.FindComponent<MudSelect<string>>();
        await select.InvokeAsync(select.Instance.OpenMenu);
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "Deployment failed").ClickAsync(new());
        await NextAsync(page);
        page.WaitForAssertion(() => Button(page, "Save"));

        gate.Armed = true;
        var first = page.Find("form").SubmitAsync();
        // Webhook is off: Save asks first; the save starts once confirmed.
        await Dialogs.WaitForElement("[data-testid=dialog-confirm]").ClickAsync(new());
        await gate.WaitForHeldAsync(1);
        page.WaitForAssertion(() => Assert.True(Button(page, "Save").HasAttribute("disabled")));
        var second = page.Find("form").SubmitAsync(); // Enter again while the first save waits
        gate.Open();
        await Task.WhenAll(first, second);

        Assert.Equal(1, gate.Held);
        var row = Assert.Single((await Database.Alerts.ListAsync(new AlertListQuery(AlertKind.PlatformEvent))).Items);
        Assert.EndsWith($"/flexible-actions/platform-events/{row.Id}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task Editing_an_alert_never_renders_a_secret_header_value_and_an_empty_field_keeps_it()
    {
        var input = AlertInputs.RuntimeAlert("Secret header", new Uri("http://127.0.0.1:9/hook"), headers: [("X-Team", "ops"), ("X-Api-Key", "sk_live_headerWXYZ")]);
        input.Headers[1].Secret = true;
        var id = (await Database.Alerts.CreateAsync(input)).Id;

        var page = Render<AlertFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Secret header", page.Markup));
        await NextAsync(page);
        await NextAsync(page);
        page.WaitForAssertion(() => Assert.Contains("Header 2 value", page.Markup));

        Assert.DoesNotContain("sk_live_headerWXYZ", page.Markup);
        var value = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Header 2 value");
        Assert.Equal("password", value.Find("input").GetAttribute("type"));
        Assert.True(string.IsNullOrEmpty(value.Find("input").GetAttribute("value")));
        Assert.Contains("Secret — saved and never shown. Leave empty to keep it", value.Markup);
        Assert.Contains("ops", page.Markup); // a plain header's value is shown as before

        await page.Find("form").SubmitAsync();

        Assert.Equal("sk_live_headerWXYZ", (await Database.RevealedWebhookHeadersAsync(id)).Single(h => h.Name == "X-Api-Key").Value);
        Assert.Equal(2, (await Database.Alerts.GetOverviewAsync(id))!.Alert.Version);
    }

    [Fact]
    public async Task Marking_a_header_secret_hides_what_is_typed_and_saves_it_encrypted()
    {
        var id = (await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Plain", new Uri("http://127.0.0.1:9/hook")))).Id;
        var page = Render<AlertFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Plain", page.Markup));
        await NextAsync(page);
        await NextAsync(page);
        await Button(page, "Add header").ClickAsync(new());

        await page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Header 1 name").Find("input").InputAsync(new() { Value = "X-Api-Key" });
        await page.FindComponents<MudCheckBox<bool>>().Single(c => c.Instance.Label == "Header 1 secret").Find("input").ChangeAsync(new() { Value = true });
        var value = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Header 1 value");
        page.WaitForAssertion(() => Assert.Equal("password", value.Find("input").GetAttribute("type")));
        await value.Find("input").InputAsync(new() { Value = "typed-secret" });
        await page.Find("form").SubmitAsync();

        var stored = (await Database.Alerts.GetOverviewAsync(id))!.Alert.WebhookHeaders.Single();
        Assert.Equal(("X-Api-Key", true, ""), (stored.Name, stored.Secret, stored.Value));
        Assert.Equal("typed-secret", (await Database.RevealedWebhookHeadersAsync(id)).Single().Value);
    }

    [Fact]
    public async Task A_newly_chosen_credential_is_still_shown_after_going_back_and_next_and_is_the_one_saved()
    {
        var original = (await Database.Credentials.CreateAsync(CredentialInputs.ClientId("Original partner"))).Id;
        var chosen = (await Database.Credentials.CreateAsync(CredentialInputs.ClientId("Chosen partner"))).Id;
        var id = (await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Switch", new Uri("http://127.0.0.1:9/hook"), original))).Id;
        var page = Render<AlertFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Switch", page.Markup));
        await NextAsync(page);
        await NextAsync(page);
        var autocomplete = page.FindComponent<MudAutocomplete<CredentialChoice>>();
        await autocomplete.InvokeAsync(() => autocomplete.Instance.OpenMenuAsync());
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Contains("Chosen partner")).ClickAsync(new());

        await Button(page, "Back").ClickAsync(new());
        await NextAsync(page);

        page.WaitForAssertion(() =>
        {
            var shown = page.FindComponent<MudAutocomplete<CredentialChoice>>();
            Assert.Equal("Chosen partner", shown.Find("input").GetAttribute("value"));
        });
        await page.Find("form").SubmitAsync();
        Assert.Equal(chosen, (await Database.Alerts.GetOverviewAsync(id))!.Alert.CredentialId);
    }
}
