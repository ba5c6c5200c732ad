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
    public async Task Lists_the_levels_that_have_it_as_their_own_and_the_alerts_inheriting_it_apart_from_the_alerts_that_chose_it()
    {
        await ShowAsync(
            new CredentialReference("CPU high (Runtime Alert)", "flexible-actions/runtime-alerts/7"),
            new CredentialReference("Organization Europe (own credential)", "settings/hierarchy", CredentialReferenceKind.Level),
            new CredentialReference("Acme latency (Runtime Alert, inherited)", "flexible-actions/runtime-alerts/9", CredentialReferenceKind.Inherited));

        var dialog = Dialogs.Find("[role=dialog]");
        string[] Items(string label) => dialog.QuerySelectorAll($"ul[aria-label='{label}'] > li > a").Select(a => a.TextContent.Trim()).ToArray();
        Assert.Equal(["CPU high (Runtime Alert)"], Items("Alerts that use this credential"));
        Assert.Equal(["Organization Europe (own credential)"], Items("Hierarchy levels that use this credential"));
        Assert.Equal(["Acme latency (Runtime Alert, inherited)"], Items("Alerts that inherit this credential"));
        Assert.Contains("each will inherit its parent's instead", dialog.TextContent);
        Assert.NotNull(dialog.QuerySelector("ul[aria-label='Hierarchy levels that use this credential'] a[href='settings/hierarchy']"));
    }

    [Fact]
    public async Task Counts_what_the_list_counts_the_alerts_that_chose_it_and_the_levels_not_the_alerts_inheriting_it()
    {
        await ShowAsync(
            new CredentialReference("CPU high (Runtime Alert)", "flexible-actions/runtime-alerts/7"),
            new CredentialReference("Organization Europe (own credential)", "settings/hierarchy", CredentialReferenceKind.Level, "europe"),
            new CredentialReference("Acme latency (Runtime Alert, inherited)", "flexible-actions/runtime-alerts/9", CredentialReferenceKind.Inherited, "europe"));

        var count = Dialogs.Find("[role=dialog] [data-testid=used-by-count]");
        Assert.Equal("Used by 2: 1 alert(s) and 1 hierarchy level(s).", count.TextContent.Trim());
    }

    [Fact]
    public async Task A_level_alone_says_nothing_of_No_Auth()
    {
        await ShowAsync(new CredentialReference("Partner Acme (own credential)", "settings/hierarchy", CredentialReferenceKind.Level));

        var dialog = Dialogs.Find("[role=dialog]");
        Assert.DoesNotContain("No Auth", dialog.TextContent);
        Assert.Null(dialog.QuerySelector("ul[aria-label='Alerts that use this credential']"));
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
