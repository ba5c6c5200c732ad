using Bunit;
using CredentialPortal.Features.ApiTokens.Pages;
using CredentialPortal.Tests.Infrastructure;
using MudBlazor;

namespace CredentialPortal.Tests.Features.ApiTokens.Pages;

/// <summary>New token: Escape closes the form, as every dialog's; once the token is shown (once), only Done closes it.</summary>
public sealed class NewApiTokenDialogTests : PortalComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private DialogOptions Options() => ((IMudDialogInstance)Dialogs.FindComponent<MudDialogContainer>().Instance).Options;

    [Fact]
    public async Task Escape_closes_the_form_but_not_the_token_shown_once()
    {
        var page = Render<ApiTokensPage>();
        // Loaded first: the render that shows the list gives the button a new handler, and a click found before it is lost.
        page.WaitForAssertion(() => Assert.Contains("No tokens yet", page.Markup), Wait);
        var opening = page.FindAll("button").Single(b => b.TextContent.Trim() == "New token").ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.NotEmpty(Dialogs.FindAll("[role=dialog]")), Wait);
        Assert.True(Options().CloseOnEscapeKey);

        var name = Dialogs.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Name");
        await name.Find("input").InputAsync(new() { Value = "Deploy script" });
        await Dialogs.Find("#new-api-token-form").SubmitAsync();
        Dialogs.WaitForAssertion(() => Assert.Contains("Done", Dialogs.Find("[role=dialog]").TextContent), Wait);

        Assert.False(Options().CloseOnEscapeKey);
        await Dialogs.FindAll("[role=dialog] button").Single(b => b.TextContent.Trim() == "Done").ClickAsync(new());
        await opening;
    }
}
