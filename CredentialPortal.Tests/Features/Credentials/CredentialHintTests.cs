using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>
/// What the edit form gets of a stored credential: the hint saved with each write-only value (its last 4 characters,
/// only when 12 or more), the identifiers in full, never a secret.
/// </summary>
public sealed class CredentialHintTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private CredentialService Service => database.Credentials;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<int> CreateAsync(CredentialInput input)
    {
        var result = await Service.CreateAsync(input);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? []));
        return result.Id;
    }

    private async Task<Credential> RowAsync(int id)
    {
        await using var db = await database.CreateDbContextAsync();
        return await db.Credentials.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    [Fact]
    public async Task The_hint_is_saved_with_the_secret_and_only_for_secrets_of_12_characters_or_more()
    {
        var longId = await CreateAsync(new CredentialInput { Name = "Long", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "tok_abcdefy123" });
        var shortId = await CreateAsync(new CredentialInput { Name = "Short", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "tok_abcy123" });

        Assert.Equal("y123", (await RowAsync(longId)).SecretHint);
        Assert.Null((await RowAsync(shortId)).SecretHint);
        Assert.Equal("Configured · ends in …y123", CredentialHint.Describe((await Service.GetForEditAsync(longId))!.SecretHint));
        Assert.Equal("Configured", CredentialHint.Describe((await Service.GetForEditAsync(shortId))!.SecretHint));
        Assert.Equal("...y123", CredentialHint.ForApi((await RowAsync(longId)).SecretHint));
    }

    [Fact]
    public async Task Saving_without_replacing_keeps_the_secret_and_its_hint_and_replacing_renews_both()
    {
        var id = await CreateAsync(CredentialInputs.ClientIdAndSecret(clientId: "client-0000-0001", secret: "sk_live_abcdefWXYZ"));

        var edit = (await Service.GetForEditAsync(id))!.ToInput();
        Assert.Null(edit.ClientId); // a Client ID and Secret's client id is write-only
        Assert.Null(edit.Secret);
        edit.Name = "Renamed";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(id, edit)).Status);
        var kept = await RowAsync(id);
        Assert.Equal(("0001", "WXYZ"), (kept.ClientIdHint, kept.SecretHint));
        Assert.Equal("sk_live_abcdefWXYZ", (await Service.ResolveAsync(id))!.Secret);

        edit = (await Service.GetForEditAsync(id))!.ToInput();
        edit.Secret = "sk_live_rotated_5678";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(id, edit)).Status);
        Assert.Equal("5678", (await RowAsync(id)).SecretHint);
        Assert.Equal("sk_live_rotated_5678", (await Service.ResolveAsync(id))!.Secret);
    }

    [Fact]
    public async Task Identifiers_are_shown_on_edit_and_secret_values_are_not()
    {
        var basic = await CreateAsync(new CredentialInput { Name = "Basic", Type = CredentialType.BasicAuth, ClientId = "webhook_user", Secret = "correct-horse-battery" });
        var hmac = await CreateAsync(new CredentialInput { Name = "Hmac", Type = CredentialType.HmacSignature, FieldName = "X-Signature", ClientId = "key_2024", Secret = "hmac-secret-value-1" });
        var oauth = await CreateAsync(new CredentialInput
        {
            Name = "OAuth", Type = CredentialType.OAuth2, TokenUrl = "https://auth.example.com/token", ClientId = "orders-client",
            Secret = "oauth-client-secret-kPq2",
        });
        var clientId = await CreateAsync(CredentialInputs.ClientId(value: "partner-key-000042"));

        Assert.Equal("webhook_user", (await Service.GetForEditAsync(basic))!.ToInput().ClientId);
        Assert.Equal("key_2024", (await Service.GetForEditAsync(hmac))!.ToInput().ClientId);
        var oauthEdit = (await Service.GetForEditAsync(oauth))!;
        Assert.Equal(("orders-client", "kPq2", true), (oauthEdit.ToInput().ClientId, oauthEdit.SecretHint, oauthEdit.HasSecret));
        var clientIdEdit = (await Service.GetForEditAsync(clientId))!;
        Assert.Equal((null, "0042", true), (clientIdEdit.ClientId, clientIdEdit.ClientIdHint, clientIdEdit.HasClientId));
        // Identifiers carry no hint: they are shown in full.
        Assert.Null((await RowAsync(basic)).ClientIdHint);
    }

    [Fact]
    public async Task A_shown_identifier_emptied_on_edit_is_required_not_kept()
    {
        var id = await CreateAsync(new CredentialInput { Name = "Basic", Type = CredentialType.BasicAuth, ClientId = "webhook_user", Secret = "correct-horse-battery" });

        var edit = (await Service.GetForEditAsync(id))!.ToInput();
        edit.ClientId = "";
        var result = await Service.UpdateAsync(id, edit);

        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.Equal(["Username is required."], result.Errors![nameof(CredentialInput.ClientId)]);
    }

    [Fact]
    public async Task A_password_a_person_chose_keeps_no_ending()
    {
        var id = await CreateAsync(new CredentialInput
        {
            Name = "Password grant", Type = CredentialType.OAuth2, GrantType = OAuthGrantType.PasswordCredentials,
            TokenUrl = "https://auth.example.com/token", ClientId = "ops", Username = "alert-bot", Password = "resource-owner-mWz5",
        });

        var edit = (await Service.GetForEditAsync(id))!;
        Assert.Equal(("alert-bot", null, true), (edit.OAuth!.Username, edit.OAuth.PasswordHint, edit.OAuth.HasPassword));

        var basic = await CreateAsync(new CredentialInput
        {
            Name = "Basic", Type = CredentialType.BasicAuth, ClientId = "webhook_user", Secret = "correct-horse-battery",
        });
        Assert.Equal("Configured", CredentialHint.Describe((await Service.GetForEditAsync(basic))!.SecretHint));
    }
}
