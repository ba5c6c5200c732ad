using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.E2E.Tests;

/// <summary>Edit with the type locked; the secret never goes back to the browser.</summary>
public sealed class EditCredentialTests(BrowserFixture browser) : PortalTest(browser)
{
    private const string ClientIdValue = "older-client-id-0042";
    private const string SecretValue = "Older-Secret-Plaintext-5150";

    [Fact]
    public async Task Type_is_locked_the_secret_is_never_sent_and_saving_moves_the_credential_to_the_top()
    {
        var id = await CreateCredentialAsync("Older", CredentialType.ClientIdAndSecret, clientId: ClientIdValue, secret: SecretValue);
        await CreateCredentialAsync("Newer");

        var wire = new WireRecorder(Page);
        var list = await LogInAndOpenCredentialsAsync();
        await list.ExpectNamesAsync("Newer", "Older");

        var form = await list.EditAsync("Older");
        await Expect(form.Type).ToBeDisabledAsync();
        await Expect(form.Type).ToHaveValueAsync("Client ID and Secret");
        await Expect(form.Type).ToHaveAccessibleDescriptionAsync(new Regex("delete.*create a new one", RegexOptions.IgnoreCase));
        await Expect(form.FieldName).ToHaveValueAsync("clientid");
        await Expect(form.Location).ToHaveValueAsync("Header");
        // The form says the client id and the secret are set, with their last 4 characters as a hint, and offers Replace.
        await Expect(form.SavedState("Client ID")).ToHaveTextAsync("Configured · ends in …0042");
        await Expect(form.SavedState("Secret")).ToHaveTextAsync("Configured · ends in …5150");
        await Expect(form.ClientId).ToHaveCountAsync(0);
        await Expect(form.Secret).ToHaveCountAsync(0);
        await ExpectNoPlaintextAsync(form.Page);

        // Reloading the edit page: still nothing of the secret in what the server sent.
        await form.ReloadAsync();
        await Expect(form.Name).ToHaveValueAsync("Older");
        await ExpectNoPlaintextAsync(form.Page);

        await form.Name.FillAsync("Older, renamed");
        await form.FieldName.FillAsync("x-client");
        await form.SaveAsync();

        await list.ExpectOpenAsync();
        await list.ExpectNamesAsync("Older, renamed", "Newer");
        await list.ReloadAsync();
        await list.ExpectNamesAsync("Older, renamed", "Newer");

        // Neither the prerendered pages nor the circuit's render batches ever carried the secret or the client id.
        Assert.True(wire.FrameCount > 0, "The circuit's WebSocket frames were not recorded.");
        Assert.True(await wire.SawAsync("Older, renamed"), "The recorder misses what the server sends.");
        Assert.False(await wire.SawAsync(SecretValue), "The saved secret was sent to the browser.");
        Assert.False(await wire.SawAsync(ClientIdValue), "The saved client id was sent to the browser.");

        // Empty Client ID and Secret fields on save kept the stored ones.
        var stored = await App.Credentials.ResolveAsync(id);
        Assert.NotNull(stored);
        Assert.Equal("x-client", stored.FieldName);
        Assert.Equal(ClientIdValue, stored.ClientId);
        Assert.Equal(SecretValue, stored.Secret);
        Assert.Equal(CredentialType.ClientIdAndSecret, stored.Type);
    }

    [Fact]
    public async Task Typing_a_new_secret_replaces_it_and_it_is_not_shown_afterwards()
    {
        var id = await CreateCredentialAsync("Rotating", CredentialType.ClientIdAndSecret, clientId: ClientIdValue, secret: SecretValue);
        var list = await LogInAndOpenCredentialsAsync();

        var form = await list.EditAsync("Rotating");
        await form.ReplaceAsync("Secret");
        await form.Secret.FillAsync("Rotated-Secret-Plaintext-8080");
        await form.SaveAsync();
        await list.ExpectOpenAsync();
        await Expect(list.Snackbar("saved")).ToBeVisibleAsync();

        var stored = await App.Credentials.ResolveAsync(id);
        Assert.NotNull(stored);
        Assert.Equal("Rotated-Secret-Plaintext-8080", stored.Secret);
        Assert.Equal(ClientIdValue, stored.ClientId);

        form = await list.EditAsync("Rotating");
        await Expect(form.SavedState("Secret")).ToHaveTextAsync("Configured · ends in …8080");
        Assert.DoesNotContain("Rotated-Secret-Plaintext-8080", await form.Page.ContentAsync());
    }

    [Fact]
    public async Task Renaming_and_pressing_Enter_saves_the_new_name()
    {
        var id = await CreateCredentialAsync("Keyboard user");
        var list = await LogInAndOpenCredentialsAsync();

        var form = await list.EditAsync("Keyboard user");
        await form.Name.ClearAsync();
        await form.Name.PressSequentiallyAsync("Renamed by keyboard");
        await form.Name.PressAsync("Enter");

        await list.ExpectOpenAsync();
        await list.ExpectNamesAsync("Renamed by keyboard");
        Assert.Equal("Renamed by keyboard", (await App.Credentials.GetForEditAsync(id))!.Name);
    }

    private static async Task ExpectNoPlaintextAsync(IPage page)
    {
        var html = await page.ContentAsync();
        Assert.DoesNotContain(SecretValue, html);
        Assert.DoesNotContain(ClientIdValue, html);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ClientIdValue + SecretValue)), html);
    }
}
