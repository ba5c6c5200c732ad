using CredentialPortal.E2E.Infrastructure;

namespace CredentialPortal.E2E.Tests;

/// <summary>Issue 3, item 5: Delete asks in a dialog; Cancel keeps, Delete removes for good.</summary>
public sealed class DeleteCredentialTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task Cancel_keeps_the_row_and_delete_removes_it_for_good()
    {
        var doomedId = await CreateCredentialAsync("Doomed");
        await CreateCredentialAsync("Survivor");
        var list = await LogInAndOpenCredentialsAsync();
        await list.ExpectNamesAsync("Survivor", "Doomed");

        var dialog = await list.DeleteAsync("Doomed");
        await dialog.CancelAsync();
        await list.ExpectNamesAsync("Survivor", "Doomed");
        // Cancelling changes nothing, so nothing is announced.
        await Expect(list.Snackbars).ToHaveCountAsync(0);
        Assert.NotNull(await App.Credentials.ResolveAsync(doomedId));

        dialog = await list.DeleteAsync("Doomed");
        await dialog.ConfirmAsync();
        await Expect(list.Snackbar("deleted")).ToContainTextAsync("Doomed");
        await list.ExpectNamesAsync("Survivor");

        await list.ReloadAsync();
        await list.ExpectNamesAsync("Survivor");
        Assert.Null(await App.Credentials.ResolveAsync(doomedId));
    }
}
