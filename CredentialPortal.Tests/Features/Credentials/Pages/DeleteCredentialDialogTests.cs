using Bunit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Credentials.Pages;

public class DeleteCredentialDialogTests : PortalComponentTest
{
    private async Task<IDialogReference> ShowAsync(params CredentialReference[] references)
    {
        var dialogs = Services.GetRequiredService<IDialogService>();
        return await Dialogs.InvokeAsync(() => dialogs.ShowAsync<DeleteCredentialDialog>("Delete credential",
            new DialogParameters<DeleteCredentialDialog>
            {
                { d => d.CredentialName, "Hyrule" },
                { d => d.References, references },
            }));
    }

    [Fact]
    public async Task Names_and_links_the_alerts_that_use_the_credential()
    {
        await ShowAsync(new CredentialReference("CPU high (Runtime Alert)", "flexible-actions/runtime-alerts/7"));

        var dialog = Dialogs.Find("[role=dialog]");
        Assert.Contains("No Auth", dialog.TextContent);
        var link = dialog.QuerySelector("ul[aria-label='Alerts that use this credential'] > li > a[href='flexible-actions/runtime-alerts/7']");
        Assert.NotNull(link);
        Assert.Contains("CPU high (Runtime Alert)", link!.TextContent);
    }

    [Fact]
    public async Task Without_users_it_only_asks()
    {
        await ShowAsync();

        var dialog = Dialogs.Find("[role=dialog]");
        Assert.Contains("Delete the credential Hyrule?", dialog.TextContent);
        Assert.DoesNotContain("No Auth", dialog.TextContent);
    }

    [Theory]
    [InlineData("Cancel", true)]
    [InlineData("Delete", false)]
    public async Task Cancel_and_delete_answer_the_dialog(string button, bool canceled)
    {
        var reference = await ShowAsync();

        await Dialogs.FindAll("[role=dialog] button").Single(b => b.TextContent.Trim() == button).ClickAsync(new());

        Assert.Equal(canceled, (await reference.Result)!.Canceled);
    }

    [Fact]
    public async Task Cancel_comes_first_and_takes_the_focus_and_Delete_is_filled_red()
    {
        await ShowAsync(new CredentialReference("CPU high (Runtime Alert)", "flexible-actions/runtime-alerts/7"));

        var buttons = Dialogs.WaitForElements("[role=dialog] .mud-dialog-actions button");
        Assert.Equal(["Cancel", "Delete"], buttons.Select(b => b.TextContent.Trim()));
        Assert.Contains("mud-button-filled-error", buttons[1].ClassList);
        // The focus goes to Cancel, not to the dialog's frame nor to the first link in the list.
        var cancelReference = buttons[0].GetAttribute("blazor:elementreference");
        Dialogs.WaitForAssertion(() => Assert.Contains(JSInterop.Invocations,
            i => i.Identifier.Contains("focus", StringComparison.OrdinalIgnoreCase)
                 && i.Arguments.OfType<Microsoft.AspNetCore.Components.ElementReference>().Any(e => e.Id == cancelReference)));
    }
}
