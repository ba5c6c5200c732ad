using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Tests;

/// <summary>Two people edit the same credential; the second save is refused, nothing is overwritten.</summary>
public sealed class ConcurrencyTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task Second_save_is_told_the_credential_was_changed_by_someone_else()
    {
        var id = await CreateCredentialAsync("Contested", fieldName: "clientid");

        var first = await LogInAndOpenCredentialsAsync(Page);
        var secondPage = await NewPageAsync();
        var second = await LogInAndOpenCredentialsAsync(secondPage);

        var firstForm = await first.EditAsync("Contested");
        var secondForm = await second.EditAsync("Contested");

        await firstForm.Name.FillAsync("Contested, first editor");
        await firstForm.SaveAsync();
        await first.ExpectOpenAsync();
        await first.ExpectNamesAsync("Contested, first editor");

        await secondForm.FieldName.FillAsync("x-second-editor");
        await secondForm.SaveAsync();
        await Expect(secondForm.ConflictMessage).ToBeVisibleAsync();
        await secondForm.ExpectOpenAsync();

        var stored = await App.Credentials.GetForEditAsync(id);
        Assert.NotNull(stored);
        Assert.Equal("Contested, first editor", stored.Name);
        Assert.Equal("clientid", stored.FieldName);

        // Reload shows the first editor's version; the second editor can then save on top of it.
        await secondForm.ReloadButton.ClickAsync();
        await Expect(secondForm.Name).ToHaveValueAsync("Contested, first editor");
        await Expect(secondForm.ConflictMessage).ToBeHiddenAsync();
        await secondForm.FieldName.FillAsync("x-second-editor");
        await secondForm.SaveAsync();
        await second.ExpectOpenAsync();
        await second.ExpectNamesAsync("Contested, first editor");

        stored = await App.Credentials.GetForEditAsync(id);
        Assert.Equal("x-second-editor", stored!.FieldName);
        Assert.Equal("Contested, first editor", stored.Name);
    }
}
