using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Credentials.Pages;

/// <summary>A second submit (double click, Enter twice) while the first save is still on its way to the database.</summary>
public class CredentialFormDoubleSubmitTests : PortalComponentTest
{
    private readonly SaveGate<Credential> gate = new();

    protected override void ConfigureDatabase(IServiceCollection services) => gate.Register(services);

    private static IElement SaveButton(IRenderedComponent<CredentialFormPage> page) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == "Save");

    private static Task TypeAsync(IRenderedComponent<CredentialFormPage> page, string label, string value) =>
        page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == label).Find("input").InputAsync(new() { Value = value });

    private async Task FillNewClientIdAsync(IRenderedComponent<CredentialFormPage> page)
    {
        await TypeAsync(page, "Name", "Once");
        var type = page.FindComponents<MudSelect<CredentialType?>>().Single();
        await type.InvokeAsync(type.Instance.OpenMenu);
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "Client ID").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains(page.FindComponents<MudTextField<string>>(), f => f.Instance.Label == "Value"));
        await page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Field Name").Find("input").InputAsync(new() { Value = "clientid" });
        // Value is a secret field: it binds as the person types.
        await page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Value").Find("input").InputAsync(new() { Value = "link" });
    }

    [Fact]
    public async Task Save_is_disabled_while_saving_and_a_second_submit_is_ignored_so_one_credential_is_created()
    {
        var page = Render<CredentialFormPage>();
        await FillNewClientIdAsync(page);

        var first = page.Find("form").SubmitAsync();
        await gate.WaitForHeldAsync(1);
        page.WaitForAssertion(() => Assert.True(SaveButton(page).HasAttribute("disabled")));
        var second = page.Find("form").SubmitAsync(); // Enter again while the first save waits
        gate.Open();
        await Task.WhenAll(first, second);

        Assert.Equal(1, gate.Held);
        Assert.Equal(1, (await Credentials.ListAsync(new())).TotalCount);
        Assert.EndsWith("/integrations/webhook-credentials", Services.GetRequiredService<NavigationManager>().Uri);
        Assert.True(SaveButton(page).HasAttribute("disabled")); // saved: it stays off while the page leaves
    }

    [Fact]
    public async Task A_second_submit_of_an_edit_is_not_taken_for_someone_elses_change()
    {
        gate.Armed = false;
        var id = (await Credentials.CreateAsync(CredentialInputs.ClientId("Before"))).Id;
        gate.Armed = true;
        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Before", page.Markup));
        await TypeAsync(page, "Name", "After");

        var first = page.Find("form").SubmitAsync();
        await gate.WaitForHeldAsync(1);
        var second = page.Find("form").SubmitAsync();
        gate.Open();
        await Task.WhenAll(first, second);

        Assert.Empty(page.FindAll("[role=alert]"));
        Assert.DoesNotContain("Changed by someone else", Snackbars.Markup);
        var stored = (await Credentials.GetForEditAsync(id))!;
        Assert.Equal(("After", 2), (stored.Name, stored.Version));
    }
}
