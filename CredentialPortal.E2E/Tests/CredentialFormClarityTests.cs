using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// The credential form in a real browser: saved secrets read "Configured · ends in …" with Replace, the request preview
/// follows the typing, secrets can be shown and copied, and leaving with unsaved changes asks first.
/// </summary>
public sealed class CredentialFormClarityTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task A_saved_secret_reads_configured_with_Replace_and_the_preview_masks_it_while_typing_shows_the_spec_value()
    {
        var id = await CreateCredentialAsync("Hyrule", CredentialType.ClientIdAndSecret, clientId: "link", secret: "epona-saddle-y123");
        var list = await LogInAndOpenCredentialsAsync();

        var form = await list.EditAsync("Hyrule");
        await Expect(form.SavedState("Secret")).ToHaveTextAsync("Configured · ends in …y123");
        await Expect(form.SavedState("Client ID")).ToHaveTextAsync("Configured"); // "link" is too short for a hint
        await Expect(form.Secret).ToHaveCountAsync(0);
        await Expect(form.RequestPreview).ToContainTextAsync("clientid: ****");
        Assert.DoesNotContain("epona-saddle-y123", await form.Page.ContentAsync());

        // Replace opens an empty input; Keep saved goes back to the stored state.
        await form.ReplaceAsync("Secret");
        await form.KeepSavedButton("Secret").ClickAsync();
        await Expect(form.Secret).ToHaveCountAsync(0);
        await Expect(form.SavedState("Secret")).ToHaveTextAsync("Configured · ends in …y123");

        // Typed values stay hidden, and so does what they make, until shown; shown, the preview reads as the spec writes it,
        // for the header and the query parameter.
        await form.ReplaceAsync("Client ID");
        await form.ClientId.FillAsync("link");
        await form.ReplaceAsync("Secret");
        await form.Secret.FillAsync("epona");
        await Expect(form.Secret).ToHaveAttributeAsync("type", "password");
        await Expect(form.RequestPreview).ToContainTextAsync("clientid: ****");
        await form.ShowButton("Client ID").ClickAsync();
        await form.ShowButton("Secret").ClickAsync();
        await Expect(form.Secret).ToHaveAttributeAsync("type", "text");
        await Expect(form.RequestPreview).ToContainTextAsync("clientid: bGlua2Vwb25h");
        await form.ChooseLocationAsync("Query Param");
        await Expect(form.RequestPreview).ToContainTextAsync("?clientid=bGlua2Vwb25h");
        await form.HideButton("Secret").ClickAsync();
        await Expect(form.Secret).ToHaveAttributeAsync("type", "password");
        await Expect(form.RequestPreview).ToContainTextAsync("?clientid=****");

        await form.SaveAsync();
        await list.ExpectOpenAsync();
        var saved = await App.Credentials.ResolveAsync(id);
        Assert.Equal(("link", "epona", CredentialLocation.QueryParam), (saved!.ClientId, saved.Secret, saved.Location));
    }

    [Fact]
    public async Task Saving_without_replacing_keeps_the_secret()
    {
        var id = await CreateCredentialAsync("Kept", CredentialType.ClientIdAndSecret, clientId: "client-value-0042", secret: "kept-secret-value-7777");
        var list = await LogInAndOpenCredentialsAsync();

        var form = await list.EditAsync("Kept");
        await form.Name.FillAsync("Kept, renamed");
        await form.SaveAsync();
        await list.ExpectOpenAsync();

        var saved = await App.Credentials.ResolveAsync(id);
        Assert.Equal(("client-value-0042", "kept-secret-value-7777"), (saved!.ClientId, saved.Secret));
    }

    [Fact]
    public async Task An_hmac_secret_generated_for_the_chosen_format_is_copied_in_a_monospace_font()
    {
        await Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var list = await LogInAndOpenCredentialsAsync();
        var form = await list.NewCredentialAsync();
        await form.ChooseTypeAsync("HMAC Signature");
        await form.ChooseFormatAsync("Standard Webhooks");

        var secret = await form.GenerateSecretAsync();
        await Expect(form.Format).ToHaveValueAsync("Standard Webhooks");
        await form.CopyButton("secret").ClickAsync();

        Assert.Equal(secret, await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        var font = await form.GeneratedSecret.EvaluateAsync<string>("e => getComputedStyle(e).fontFamily");
        Assert.Contains("monospace", font);
        await Expect(form.RequestPreview).ToContainTextAsync("webhook-signature: v1,");
    }

    [Fact]
    public async Task Leaving_with_unsaved_changes_asks_Cancel_stays_and_Leave_goes()
    {
        var list = await LogInAndOpenCredentialsAsync();
        var form = await list.NewCredentialAsync();
        await form.Name.FillAsync("Half typed");
        var shell = new AppShell(Page);

        await ClickRuntimeAlertsLinkAsync(shell);
        await Expect(form.LeaveDialog).ToBeVisibleAsync();
        await form.LeaveDialog.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await Expect(form.LeaveDialog).ToHaveCountAsync(0);
        await Expect(form.Heading("New credential")).ToBeVisibleAsync();
        await Expect(form.Name).ToHaveValueAsync("Half typed");
        Assert.EndsWith("/integrations/webhook-credentials/new", Page.Url);

        // Reload or close: the browser's own prompt; accepted, the page reloads.
        await Expect(Page.Locator("html[data-unsaved-changes]")).ToHaveCountAsync(1);
        var asked = new List<string>();
        Page.Dialog += async (_, dialog) =>
        {
            asked.Add(dialog.Type);
            await dialog.AcceptAsync();
        };
        await Page.ReloadAsync();
        Assert.Equal(["beforeunload"], asked);
        await form.ExpectOpenAsync();
        await Expect(form.Name).ToHaveValueAsync("");
    }

    [Fact]
    public async Task Leave_in_the_dialog_goes_and_an_untouched_form_leaves_without_asking()
    {
        var list = await LogInAndOpenCredentialsAsync();
        var shell = new AppShell(Page);
        var form = await list.NewCredentialAsync();
        await form.Name.FillAsync("Dropped");

        await ClickRuntimeAlertsLinkAsync(shell);
        await form.LeaveDialog.GetByRole(AriaRole.Button, new() { Name = "Leave", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/flexible-actions/runtime-alerts$"));

        list = await shell.OpenWebhookCredentialsAsync();
        await list.NewCredentialAsync();
        await ClickRuntimeAlertsLinkAsync(shell);
        await Expect(Page).ToHaveURLAsync(new Regex("/flexible-actions/runtime-alerts$"));
        await Expect(form.LeaveDialog).ToHaveCountAsync(0);
    }

    private static async Task ClickRuntimeAlertsLinkAsync(AppShell shell)
    {
        var link = shell.NavLink("Runtime Alerts");
        if (!await link.IsVisibleAsync())
        {
            await shell.NavGroup("Flexible Actions").ClickAsync();
        }
        await link.ClickAsync();
    }
}
