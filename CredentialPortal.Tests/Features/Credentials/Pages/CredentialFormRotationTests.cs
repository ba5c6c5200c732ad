using Bunit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Tests.Infrastructure;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Credentials.Pages;

/// <summary>Rotate and Roll back beside an edit in progress: what was typed in the form is never dropped.</summary>
public sealed class CredentialFormRotationTests : PortalComponentTest
{
    private const string Typed = "Orders (renamed, not saved yet)";

    private async Task<IRenderedComponent<CredentialFormPage>> TypedAsync(int id)
    {
        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=rotation] button")));
        await NameField(page).Find("input").InputAsync(new() { Value = Typed });
        return page;
    }

    private static IRenderedComponent<MudTextField<string>> NameField(IRenderedComponent<CredentialFormPage> page) =>
        page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Name");

    private Task ClickAsync(IRenderedComponent<CredentialFormPage> page, string button) =>
        page.FindAll("[data-testid=rotation] button").Single(b => b.TextContent.Trim() == button).ClickAsync(new());

    private Task<int> BearerAsync() => SeedAsync(new CredentialInput
    {
        Name = "Orders", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "tok_secret_value_y123",
    });

    [Fact]
    public async Task Cancelling_the_rotate_dialog_keeps_what_was_typed()
    {
        var page = await TypedAsync(await BearerAsync());

        var click = ClickAsync(page, "Rotate");
        Dialogs.WaitForAssertion(() => Assert.NotEmpty(Dialogs.FindAll("[role=dialog]")));
        await Dialogs.FindAll("[role=dialog] button").Single(b => b.TextContent.Trim() == "Cancel").ClickAsync(new());
        await click;

        page.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[role=dialog]")));
        Assert.Equal(Typed, NameField(page).Find("input").GetAttribute("value"));
        Assert.DoesNotContain(CredentialRules.ConflictMessage, page.Markup);
    }

    [Fact]
    public async Task A_roll_back_saved_while_something_was_typed_keeps_it_and_offers_Reload()
    {
        var id = await BearerAsync();
        Assert.True((await Credentials.RotateAsync(id, new RotationInput { Secret = "tok_rotated_value_z456", GracePeriodSeconds = 3_600 })).Succeeded);
        var page = await TypedAsync(id);

        var click = ClickAsync(page, "Roll back");
        Dialogs.WaitForAssertion(() => Assert.NotEmpty(Dialogs.FindAll("[role=dialog]")));
        await Dialogs.FindAll("[role=dialog] button").Single(b => b.TextContent.Trim() == "Roll back").ClickAsync(new());
        await click;

        page.WaitForAssertion(() => Assert.Contains(CredentialRules.ConflictMessage, page.Markup));
        Assert.Equal(Typed, NameField(page).Find("input").GetAttribute("value"));
    }
}
