using CredentialPortal.E2E.Infrastructure;

namespace CredentialPortal.E2E.Tests;

/// <summary>Delete asks in a dialog; Cancel keeps, Delete removes for good.</summary>
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
        Assert.NotNull(await App.Credentials.ResolveAsync(doomedId));
        // Cancelling changed nothing, so it announces nothing. Sorting first: once the circuit has answered a later
        // click, anything the cancel would have said is on the page.
        await list.SortByAsync("Name");
        await list.ExpectNamesAsync("Doomed", "Survivor");
        await Expect(list.Snackbars).ToHaveCountAsync(0);

        dialog = await list.DeleteAsync("Doomed");
        await dialog.ConfirmAsync();
        await Expect(list.Snackbar("deleted")).ToContainTextAsync("Doomed");
        await list.ExpectNamesAsync("Survivor");

        await list.ReloadAsync();
        await list.ExpectNamesAsync("Survivor");
        Assert.Null(await App.Credentials.ResolveAsync(doomedId));
    }
}
