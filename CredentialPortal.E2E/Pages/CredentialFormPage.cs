using System.Text.RegularExpressions;

namespace CredentialPortal.E2E.Pages;

/// <summary>The credential form, the same screen for create (/new) and edit (/{id}).</summary>
public sealed class CredentialFormPage(IPage page, int? id, bool isEdit = false) : PortalPage(page)
{
    public bool IsEdit { get; } = isEdit || id is not null;

    public override string Path => id is null ? "integrations/webhook-credentials/new" : $"integrations/webhook-credentials/{id}";

    public ILocator Name => Field("Name");

    public ILocator Type => Select("Type");

    public ILocator FieldName => Field("Field Name");

    public ILocator Location => Select("Location");

    public ILocator Value => Field("Value");

    public ILocator ClientId => Field("Client ID");

    public ILocator Secret => Field("Secret");

    // Bearer Token, Basic Auth and HMAC Signature (fixed field labels).
    public ILocator Token => Field("Token");

    public ILocator HeaderName => Field("Header Name");

    public ILocator Username => Field("Username");

    public ILocator Password => Field("Password");

    public ILocator KeyId => Field("Key ID");

    public ILocator Format => Select("Format");

    public ILocator GenerateSecretButton => Page.GetByRole(AriaRole.Button, new() { Name = "Generate secret", Exact = true });

    /// <summary>The secret Generate secret made, shown once (until the form is left).</summary>
    public ILocator GeneratedSecret => Page.GetByTestId("generated-secret").Locator("code");

    // OAuth 2.0 (fixed field labels): Client ID, Secret, Username and Password are the fields above.
    public ILocator GrantType => Select("Grant Type");

    public ILocator AccessTokenUrl => Field("Access Token URL");

    public ILocator Scopes => Field("Scopes");

    public ILocator ClientAuthentication => Select("Client Authentication");

    public ILocator RefreshTokenUrl => Field("Refresh Token URL");

    public ILocator SigningAlgorithm => Select("Signing Algorithm");

    public ILocator PublicKeyPem => Field("Public key (PEM)");

    public ILocator PublicKeyJwk => Field("Public key (JWK)");

    /// <summary>The key id (RFC 7638 thumbprint) the form names beside the public key.</summary>
    public ILocator ShownKeyId => Page.GetByTestId("key-id");

    public ILocator GenerateKeyPairButton => Page.GetByRole(AriaRole.Button, new() { Name = "Generate key pair", Exact = true });

    public ILocator RegenerateButton => Page.GetByRole(AriaRole.Button, new() { Name = "Regenerate", Exact = true });

    public ILocator TestConnectionButton => Page.GetByRole(AriaRole.Button, new() { Name = "Test connection", Exact = true });

    /// <summary>What the last Test connection reported: success with the token's expiry, or the token endpoint's error.</summary>
    public ILocator ConnectionResult => Page.GetByTestId("connection-result");

    /// <summary>The confirmation Regenerate asks for.</summary>
    public ILocator RegenerateDialog => Page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "Regenerate the key pair?" });

    /// <summary>A saved write-only value (Secret, Token, Password, Value, Client ID) in its stored state.</summary>
    public ILocator Saved(string label) => Page.GetByRole(AriaRole.Group, new() { Name = $"Saved {label}", Exact = true });

    /// <summary>What the stored state reads: "Configured · ends in …y123" or "Configured".</summary>
    public ILocator SavedState(string label) => Saved(label).GetByTestId("stored-state");

    public ILocator ReplaceButton(string label) => Page.GetByRole(AriaRole.Button, new() { Name = $"Replace {label}", Exact = true });

    public ILocator KeepSavedButton(string label) => Page.GetByRole(AriaRole.Button, new() { Name = $"Keep the saved {label}", Exact = true });

    /// <summary>The show/hide toggle of a secret input ("Show Secret", then "Hide Secret").</summary>
    public ILocator ShowButton(string label) => Page.GetByRole(AriaRole.Button, new() { Name = $"Show {label}", Exact = true });

    public ILocator HideButton(string label) => Page.GetByRole(AriaRole.Button, new() { Name = $"Hide {label}", Exact = true });

    public ILocator CopyButton(string what) => Page.GetByRole(AriaRole.Button, new() { Name = $"Copy {what}", Exact = true });

    /// <summary>How the credential will be sent, as the form previews it.</summary>
    public ILocator RequestPreview => Page.GetByRole(AriaRole.Group, new() { Name = "Request preview", Exact = true });

    /// <summary>The question asked when the form is left with unsaved changes.</summary>
    public ILocator LeaveDialog => Page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "Leave without saving?" });

    /// <summary>Replace on a saved value: its empty input appears and takes the typing.</summary>
    public async Task ReplaceAsync(string label)
    {
        await ReplaceButton(label).ClickAsync();
        await Expect(Field(label)).ToBeVisibleAsync();
        await Expect(Field(label)).ToHaveValueAsync("");
    }

    public ILocator SaveButton => Page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true });

    public ILocator CancelButton => Page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true });

    /// <summary>The spec's caution when another credential already has the name.</summary>
    public ILocator NameTakenCaution => Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "already named" });

    /// <summary>The message of a save that lost the race with another editor (the form's alert, not the snackbar).</summary>
    public ILocator ConflictMessage => Page.GetByRole(AriaRole.Alert)
        .Filter(new() { HasTextRegex = new Regex("changed by someone else", RegexOptions.IgnoreCase) })
        .Filter(new() { Has = Page.GetByRole(AriaRole.Button, new() { Name = "Reload", Exact = true }) });

    public ILocator ReloadButton => ConflictMessage.GetByRole(AriaRole.Button, new() { Name = "Reload", Exact = true });

    public ILocator Snackbar(string text) => Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = text });

    public ILocator Field(string label) => Page.GetByLabel(label, new() { Exact = true });

    public ILocator Select(string label) => Page.GetByRole(AriaRole.Combobox, new() { Name = label, Exact = true });

    /// <summary>The options of the open select's list.</summary>
    public ILocator Options => Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option);

    public override async Task ExpectOpenAsync()
    {
        await Expect(Heading(IsEdit ? "Edit credential" : "New credential")).ToBeVisibleAsync();
        await WaitForInteractiveAsync();
        await Expect(Name).ToBeVisibleAsync();
    }

    public Task ChooseTypeAsync(string type) => ChooseAsync(Type, type);

    public Task ChooseLocationAsync(string location) => ChooseAsync(Location, location);

    public Task ChooseFormatAsync(string format) => ChooseAsync(Format, format);

    public Task ChooseGrantTypeAsync(string grantType) => ChooseAsync(GrantType, grantType);

    public Task ChooseClientAuthenticationAsync(string authentication) => ChooseAsync(ClientAuthentication, authentication);

    /// <summary>Test connection, then waits until it has finished and its result matches <paramref name="expected"/>.</summary>
    public async Task<ILocator> TestConnectionAsync(Regex expected)
    {
        await TestConnectionButton.ClickAsync();
        await Expect(ConnectionResult).ToContainTextAsync(expected);
        await Expect(TestConnectionButton).ToBeEnabledAsync();
        return ConnectionResult;
    }

    /// <summary>Generate key pair, then reads the key id the form shows with the public key.</summary>
    public async Task<string> GenerateKeyPairAsync()
    {
        await GenerateKeyPairButton.ClickAsync();
        await Expect(PublicKeyPem).ToHaveValueAsync(new Regex("^-----BEGIN PUBLIC KEY-----"));
        await Expect(GenerateKeyPairButton).ToHaveCountAsync(0);
        return await ReadKeyIdAsync();
    }

    /// <summary>The shown key id (base64url, as an RFC 7638 SHA-256 thumbprint is).</summary>
    public async Task<string> ReadKeyIdAsync()
    {
        await Expect(ShownKeyId).ToHaveTextAsync(new Regex(@"^\s*[A-Za-z0-9_-]{43}\s*$"));
        return (await ShownKeyId.InnerTextAsync()).Trim();
    }

    /// <summary>Regenerate, then answers its confirmation with Regenerate (<paramref name="confirm"/>) or Cancel.</summary>
    public async Task RegenerateAsync(bool confirm)
    {
        await RegenerateButton.ClickAsync();
        await Expect(RegenerateDialog).ToBeVisibleAsync();
        await RegenerateDialog.GetByRole(AriaRole.Button, new() { Name = confirm ? "Regenerate" : "Cancel", Exact = true }).ClickAsync();
        await Expect(RegenerateDialog).ToHaveCountAsync(0);
    }

    /// <summary>The values of every input and text area on the page, as the browser holds them now.</summary>
    public Task<string[]> FieldValuesAsync() =>
        Page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('input, textarea, select')).map(e => e.value ?? '')");

    /// <summary>Generate secret, then reads the whsec_ secret the form shows (as a person copies it to the receiver).</summary>
    public async Task<string> GenerateSecretAsync()
    {
        await GenerateSecretButton.ClickAsync();
        await Expect(GeneratedSecret).ToHaveTextAsync(new Regex(@"^\s*whsec_\S+\s*$"));
        return (await GeneratedSecret.InnerTextAsync()).Trim();
    }

    private async Task ChooseAsync(ILocator select, string option)
    {
        await select.ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Expect(select).ToHaveValueAsync(option);
    }

    /// <summary>Types into a field and leaves it (Tab), as a person moving on to the next field does.</summary>
    public async Task EnterAsync(ILocator field, string text)
    {
        await field.FillAsync(text);
        await field.PressAsync("Tab");
    }

    public Task SaveAsync() => SaveButton.ClickAsync();

    /// <summary>The message shown beside a field: its accessible description, and the field marked invalid.</summary>
    public async Task ExpectFieldErrorAsync(ILocator field, Regex message)
    {
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(field).ToHaveAccessibleDescriptionAsync(message);
    }
}
