using System.Text;
using System.Text.Json;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

/// <summary>
/// The OAuth 2.0 credential type through the service and the sender: stored encrypted, write-only on edit, token URLs
/// checked at save, Test connection, and webhooks carrying a token from a real authorization server on loopback.
/// </summary>
public sealed class OAuthCredentialTests : IAsyncLifetime
{
    private const string ClientId = "portal-client";
    private const string Secret = "s3cret-client-value-9931";

    private PortalTestDatabase database = default!;
    private TestAuthorizationServer server = default!;

    public async Task InitializeAsync()
    {
        // Real time: the webhook client's timeouts and the JWT assertion's iat/exp are checked against the real clock.
        database = await PortalTestDatabase.CreateAsync(s => s.AddSingleton(TimeProvider.System));
        server = await TestAuthorizationServer.StartAsync();
        server.Register(new TestAuthorizationServer.RegisteredClient(ClientId, Secret));
        server.AddUser("alice", "wonderland-password");
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await database.DisposeAsync();
    }

    private CredentialInput ClientCredentials(string name = "Auth server", string secret = Secret) => new()
    {
        Name = name,
        Type = CredentialType.OAuth2,
        GrantType = OAuthGrantType.ClientCredentials,
        TokenUrl = server.TokenUrl,
        ClientId = ClientId,
        Secret = secret,
        Scopes = "alerts.write",
        ClientAuthentication = OAuthClientAuthentication.BasicAuthHeader,
    };

    private async Task<int> CreateAsync(CredentialInput input)
    {
        var result = await database.Credentials.CreateAsync(input);
        Assert.True(result.Status == SaveStatus.Saved, string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? []));
        return result.Id;
    }

    private async Task<int> AlertToResourceAsync(int credentialId)
    {
        var result = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri(server.ResourceUrl), credentialId: credentialId));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? []));
        return result.Id;
    }

    [Fact]
    public async Task Secrets_are_encrypted_at_rest_and_the_edit_form_gets_only_hints()
    {
        var input = ClientCredentials();
        input.GrantType = OAuthGrantType.PasswordCredentials;
        input.Username = "alice-the-operator";
        input.Password = "wonderland-password";
        var id = await CreateAsync(input);

        var edit = (await database.Credentials.GetForEditAsync(id))!;

        Assert.Equal("OAuth 2.0", edit.Type.DisplayName());
        Assert.Equal((OAuthGrantType.PasswordCredentials, server.TokenUrl, "alerts.write"), (edit.OAuth!.GrantType, edit.OAuth.TokenUrl, edit.OAuth.Scopes));
        Assert.Equal(("9931", (string?)null, true), (edit.SecretHint, edit.OAuth.PasswordHint, edit.OAuth.HasPassword));
        var shown = JsonSerializer.Serialize(edit);
        Assert.Equal("alice-the-operator", edit.OAuth.Username); // an identifier, shown on edit like Basic Auth's Username
        foreach (var value in new[] { Secret, "wonderland-password" })
        {
            Assert.DoesNotContain(value, shown);
        }
        StoredTextScan.AssertAbsent(database, Secret, "wonderland-password", "alice-the-operator");
    }

    [Fact]
    public async Task Edit_keeps_empty_secrets_and_a_grant_switched_on_edit_needs_its_own_values()
    {
        var id = await CreateAsync(ClientCredentials());
        var edit = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        edit.Scopes = "alerts.write alerts.read";

        Assert.Equal(SaveStatus.Saved, (await database.Credentials.UpdateAsync(id, edit)).Status);
        var resolved = (await database.Credentials.ResolveAsync(id))!;
        Assert.Equal((Secret, ClientId, "alerts.write alerts.read"), (resolved.OAuth!.Secret, resolved.OAuth.ClientId, resolved.OAuth.Scopes));

        var switched = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        switched.GrantType = OAuthGrantType.PasswordCredentials;
        var refused = await database.Credentials.UpdateAsync(id, switched);

        Assert.Equal(SaveStatus.Invalid, refused.Status);
        Assert.Equal(["Username is required."], refused.Errors![nameof(CredentialInput.Username)]);
        Assert.Equal(["Password is required."], refused.Errors[nameof(CredentialInput.Password)]);
        Assert.Equal(OAuthGrantType.ClientCredentials, (await database.Credentials.ResolveAsync(id))!.OAuth!.GrantType);
    }

    [Fact]
    public async Task Switching_to_JWT_drops_the_client_secret_and_keeps_the_generated_key_encrypted()
    {
        var id = await CreateAsync(ClientCredentials());
        var pair = OAuthKeys.Generate(OAuthSigningAlgorithm.RS384);
        var edit = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        edit.GrantType = OAuthGrantType.ClientCredentialsWithJwt;
        edit.SigningAlgorithm = OAuthSigningAlgorithm.RS384;
        edit.PrivateKeyPem = pair.PrivateKeyPem;

        Assert.Equal(SaveStatus.Saved, (await database.Credentials.UpdateAsync(id, edit)).Status);

        var resolved = (await database.Credentials.ResolveAsync(id))!.OAuth!;
        Assert.Null(resolved.Secret);
        Assert.Equal(pair.PrivateKeyPem, resolved.PrivateKeyPem);
        var shown = (await database.Credentials.GetForEditAsync(id))!.OAuth!.PublicKey!;
        Assert.Equal((pair.PublicKey.KeyId, pair.PublicKey.Pem), (shown.KeyId, shown.Pem));
        Assert.Contains("\"alg\": \"RS384\"", shown.Jwk);
        var body = pair.PrivateKeyPem.Split('\n')[1]; // a line of the key's Base64 body
        StoredTextScan.AssertAbsent(database, body, Secret);
    }

    [Fact]
    public async Task A_JWT_credential_without_a_generated_key_is_refused_beside_the_key()
    {
        var input = ClientCredentials();
        input.GrantType = OAuthGrantType.ClientCredentialsWithJwt;
        input.Secret = null;

        var result = await database.Credentials.CreateAsync(input);

        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.Equal(["Generate a key pair first."], result.Errors![nameof(CredentialInput.PrivateKeyPem)]);
    }

    [Fact]
    public async Task A_token_URL_on_a_private_address_is_refused_at_save_unless_private_networks_are_allowed()
    {
        var options = database.Services.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue;
        options.AllowPrivateNetworks = false;
        var input = ClientCredentials();
        input.GrantType = OAuthGrantType.PasswordCredentials;
        input.Username = "alice";
        input.Password = "wonderland-password";
        input.TokenUrl = "https://169.254.169.254/token";
        input.RefreshTokenUrl = "http://10.1.2.3/refresh";

        var result = await database.Credentials.CreateAsync(input);

        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.Contains("private or loopback addresses are not allowed", Assert.Single(result.Errors![nameof(CredentialInput.TokenUrl)]));
        Assert.Contains("private or loopback addresses are not allowed", Assert.Single(result.Errors[nameof(CredentialInput.RefreshTokenUrl)]));
        var test = await database.Credentials.TestConnectionAsync(null, input);
        Assert.Null(test.Connection);
        Assert.Contains(nameof(CredentialInput.TokenUrl), test.Errors.Keys);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Test_connection_reports_the_expiry_or_the_endpoints_error_and_uses_stored_values_on_edit()
    {
        var ok = await database.Credentials.TestConnectionAsync(null, ClientCredentials());
        Assert.True(ok.Connection!.Succeeded, ok.Connection.Message);
        Assert.StartsWith("Connected: token received, it expires at ", ok.Connection.Message);

        var wrong = await database.Credentials.TestConnectionAsync(null, ClientCredentials(secret: "not-the-secret"));
        Assert.False(wrong.Connection!.Succeeded);
        Assert.Contains("invalid_client", wrong.Connection.Message);
        Assert.DoesNotContain("not-the-secret", wrong.Connection.Message);

        // On edit the secret field is empty: the stored one is used.
        var id = await CreateAsync(ClientCredentials());
        var edit = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        var stored = await database.Credentials.TestConnectionAsync(id, edit);
        Assert.True(stored.Connection!.Succeeded, stored.Connection.Message);
    }

    [Fact]
    public async Task A_webhook_carries_a_bearer_token_reused_until_the_credential_is_edited()
    {
        var id = await CreateAsync(ClientCredentials());
        var alert = await AlertToResourceAsync(id);

        var first = await database.SendTestAsync(alert);
        var second = await database.SendTestAsync(alert);

        Assert.True(first!.Delivered, first.Error);
        Assert.True(second!.Delivered, second.Error);
        Assert.Equal(1, server.IssuedAccessTokens); // the resource answered 200 only to a token the server issued
        var tokenRequest = Assert.Single(server.Requests);
        Assert.Equal(("client_credentials", "alerts.write"), (tokenRequest.GrantType, tokenRequest.Form["scope"]));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{Secret}")), tokenRequest.AuthorizationHeader);

        var edit = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        edit.ClientAuthentication = OAuthClientAuthentication.CredentialsInBody;
        await database.Credentials.UpdateAsync(id, edit);
        var afterEdit = await database.SendTestAsync(alert);

        Assert.True(afterEdit!.Delivered, afterEdit.Error);
        Assert.Equal(2, server.IssuedAccessTokens);
        Assert.Equal("body", server.Requests.Last().ClientAuthentication);
        var logged = (await database.DeliveryLog.ListAsync(alert, 0, 10)).Items[0];
        Assert.Contains("Authorization: Bearer ****", logged.Headers);
    }

    [Fact]
    public async Task A_401_from_the_destination_drops_the_token_and_retries_once_with_a_fresh_one()
    {
        var id = await CreateAsync(ClientCredentials());
        var alert = await AlertToResourceAsync(id);
        Assert.True((await database.SendTestAsync(alert))!.Delivered);

        server.RevokeAccessTokens();
        var outcome = await database.SendTestAsync(alert);

        Assert.True(outcome!.Delivered, outcome.Error);
        // Within the one attempt: the 401 is answered by a fresh token and the request sent again.
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(2, server.IssuedAccessTokens);
    }

    [Fact]
    public async Task A_JWT_grant_signs_an_assertion_the_server_verifies_against_the_registered_public_key()
    {
        var pair = OAuthKeys.Generate();
        server.Register(new TestAuthorizationServer.RegisteredClient("jwt-client", PublicJwk: pair.PublicKey.Jwk));
        var input = ClientCredentials();
        input.GrantType = OAuthGrantType.ClientCredentialsWithJwt;
        input.ClientId = "jwt-client";
        input.Secret = null;
        input.PrivateKeyPem = pair.PrivateKeyPem;
        var alert = await AlertToResourceAsync(await CreateAsync(input));

        var outcome = await database.SendTestAsync(alert);

        Assert.True(outcome!.Delivered, outcome.Error);
        var request = Assert.Single(server.Requests);
        Assert.Null(request.Rejection);
        Assert.Equal(TestAuthorizationServer.JwtBearerAssertionType, request.Form["client_assertion_type"]);
        var header = JsonDocument.Parse(Base64UrlEncoder.Decode(request.Form["client_assertion"].Split('.')[0])).RootElement;
        Assert.Equal(pair.PublicKey.KeyId, header.GetProperty("kid").GetString());
    }

    [Fact]
    public async Task A_refused_token_request_fails_the_attempt_with_the_endpoints_reason_and_sends_nothing()
    {
        var alert = await AlertToResourceAsync(await CreateAsync(ClientCredentials()));
        server.Register(new TestAuthorizationServer.RegisteredClient(ClientId, "rotated-secret"));

        var outcome = await database.SendTestAsync(alert);

        Assert.False(outcome!.Delivered);
        Assert.Null(outcome.StatusCode);
        Assert.StartsWith("No access token: ", outcome.Error);
        Assert.Contains("invalid_client", outcome.Error);
        // Logged as the delivery's attempt, with nothing sent to the resource; a refused credential is not retried on the
        // schedule (nothing changes until someone fixes it, then replays).
        Assert.Equal((1, DeliveryStatus.Failed), (outcome.Attempts, outcome.View.Status));
        Assert.DoesNotContain("Authorization", outcome.Headers);
        Assert.Equal("", outcome.Headers);
    }

    [Fact]
    public async Task Deleting_an_OAuth_credential_turns_its_webhooks_to_No_Auth()
    {
        var id = await CreateAsync(ClientCredentials());
        var alert = await AlertToResourceAsync(id);
        Assert.True((await database.SendTestAsync(alert))!.Delivered);

        Assert.True(await database.Credentials.DeleteAsync(id));
        var outcome = await database.SendTestAsync(alert);

        Assert.Equal(401, outcome!.StatusCode); // the resource is reached without any token now
        Assert.True((await database.Alerts.GetOverviewAsync(alert))!.Auth.IsNoAuth);
    }
}
