using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Features.Credentials.OAuth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// OAuth 2.0: credentials of all three grants made in the browser against a real authorization
/// server on loopback (the unit tests' <see cref="TestAuthorizationServer"/>), tried with Test connection, attached to
/// alert webhooks and sent by Send test to a receiver; the bearer token it got is checked at the server's protected
/// resource (which accepts only tokens the server issued). For JWT the public key is read off the page and registered
/// with the server, which verifies each assertion's signature, aud, exp and jti. Deleting one in use leaves No Auth.
/// </summary>
public sealed class OAuthCredentialTests(BrowserFixture browser) : PortalTest(browser)
{
    private const string ClientSecret = "cc-secret-Vx93kPq2";
    private const string WrongSecret = "cc-secret-wrong-0000";
    private const string UserPassword = "user-pass-Hq27mWz5";

    private static readonly HttpClient Http = new();

    /// <summary>Test connection's success: "Connected: token received, it expires at yyyy-MM-dd HH:mm:ss UTC."</summary>
    private static readonly Regex Connected = new(@"Connected: token received, it expires at (?<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC");

    [Fact]
    public async Task Client_credentials_test_the_connection_send_a_token_the_server_issued_keep_the_secret_and_leave_no_auth_when_deleted()
    {
        await using var server = await TestAuthorizationServer.StartAsync();
        server.Register(new TestAuthorizationServer.RegisteredClient("portal-alerts", ClientSecret, AllowedScopes: ["alerts.write"]));
        await using var receiver = await WebhookReceiver.StartAsync();
        var shell = new AppShell(Page);
        var credentials = await LogInAndOpenCredentialsAsync();

        var form = await credentials.NewCredentialAsync();
        await form.Name.FillAsync("Orders OAuth");
        await form.ChooseTypeAsync("OAuth 2.0");
        await Expect(form.GrantType).ToHaveValueAsync("Client Credentials");
        await Expect(form.ClientAuthentication).ToHaveValueAsync("Basic Auth header");
        await Expect(form.Username).ToHaveCountAsync(0);
        await Expect(form.RefreshTokenUrl).ToHaveCountAsync(0);
        await Expect(form.GenerateKeyPairButton).ToHaveCountAsync(0);
        await Expect(form.HeaderName).ToHaveCountAsync(0);
        await form.AccessTokenUrl.FillAsync(server.TokenUrl);
        await form.ClientId.FillAsync("portal-alerts");
        await form.Scopes.FillAsync("alerts.write");
        await form.Secret.FillAsync(ClientSecret);

        // Before saving: Test connection gets a token and says when it expires (the server issues 1-hour tokens).
        var result = await form.TestConnectionAsync(Connected);
        await Expect(result).ToHaveAttributeAsync("role", "status");
        var expiry = DateTimeOffset.ParseExact(Connected.Match(await result.InnerTextAsync()).Groups["at"].Value, "yyyy-MM-dd HH:mm:ss",
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(expiry, DateTimeOffset.UtcNow.AddMinutes(50), DateTimeOffset.UtcNow.AddMinutes(70));

        // A wrong secret: the endpoint's own error.
        await form.Secret.FillAsync(WrongSecret);
        result = await form.TestConnectionAsync(new Regex("invalid_client"));
        await Expect(result).Not.ToContainTextAsync("Connected");
        await Expect(result).Not.ToContainTextAsync(WrongSecret);
        Assert.Contains(server.Requests, r => r.ClientAuthentication == "basic" && r.Rejection == "unknown client or wrong secret");

        await form.Secret.FillAsync(ClientSecret);
        await form.TestConnectionAsync(Connected);
        await form.SaveAsync();
        await credentials.ExpectOpenAsync();
        await Expect(credentials.Cells("Orders OAuth").Nth(1)).ToHaveTextAsync("OAuth 2.0");

        // Attached in the alert form, sent by Send test.
        var alerts = await shell.OpenRuntimeAlertsAsync();
        var alertForm = await alerts.NewAlertAsync();
        await alertForm.Name.FillAsync("Orders OAuth hook");
        await alertForm.NextAsync("CONDITIONS");
        await alertForm.SetConditionAsync("CPU usage (%)", ">", "90", "5 min");
        await alertForm.NextAsync("ACTIONS");
        await alertForm.EnableWebhookAsync(receiver.Url("/hooks/oauth"));
        await alertForm.ChooseCredentialAsync("Orders OAuth");
        var overview = await alertForm.SaveAsync("Orders OAuth hook");
        await Expect(overview.Auth).ToContainTextAsync("Orders OAuth (OAuth 2.0)");
        await Expect(overview.Auth).ToContainTextAsync($"Authorization: Bearer <access token from {server.TokenUrl}>");

        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        var delivered = (await receiver.WaitForRequestsAsync(1))[0];
        Assert.Equal("/hooks/oauth", delivered.Path);
        var accessToken = await ExpectIssuedBearerAsync(server, delivered);
        var issued = server.Requests.Last(r => r.Rejection is null);
        Assert.Equal("client_credentials", issued.GrantType);
        Assert.Equal("basic", issued.ClientAuthentication);
        Assert.Equal("alerts.write", issued.Form.GetValueOrDefault("scope"));
        await Expect(await overview.ShowAttemptsAsync(0)).ToContainTextAsync("Authorization: Bearer ****");
        await Expect(overview.DeliveryLog).Not.ToContainTextAsync(accessToken);

        // Reopened for edit in a fresh browser: the secret is kept, named by its last 4 characters, and never sent to the page.
        var viewer = await NewPageAsync();
        var wire = new WireRecorder(viewer);
        var list = await LogInAndOpenCredentialsAsync(viewer);
        var edit = await list.EditAsync("Orders OAuth");
        await Expect(edit.Type).ToBeDisabledAsync();
        await Expect(edit.Type).ToHaveValueAsync("OAuth 2.0");
        await Expect(edit.GrantType).ToHaveValueAsync("Client Credentials");
        await Expect(edit.AccessTokenUrl).ToHaveValueAsync(server.TokenUrl);
        await Expect(edit.Scopes).ToHaveValueAsync("alerts.write");
        await Expect(edit.ClientAuthentication).ToHaveValueAsync("Basic Auth header");
        await Expect(edit.SavedState("Secret")).ToHaveTextAsync("Configured · ends in …kPq2");
        Assert.DoesNotContain(await edit.FieldValuesAsync(), value => value.Contains(ClientSecret, StringComparison.Ordinal));
        Assert.DoesNotContain(ClientSecret, await viewer.ContentAsync());
        // Left empty, the kept secret is what Test connection uses.
        await edit.TestConnectionAsync(Connected);
        Assert.DoesNotContain(ClientSecret, await viewer.ContentAsync());
        Assert.True(wire.FrameCount > 0, "The circuit's WebSocket frames were not recorded.");
        Assert.True(await wire.SawAsync("Orders OAuth"), "The recorder misses what the server sends.");
        Assert.False(await wire.SawAsync(ClientSecret), "The saved secret was sent to the browser.");
        await edit.CancelButton.ClickAsync();
        await new CredentialsListPage(viewer).ExpectOpenAsync();

        // Deleted while in use: the dialog lists the alert; the webhook becomes No Auth and carries no token.
        credentials = await shell.OpenWebhookCredentialsAsync();
        var dialog = await credentials.DeleteAsync("Orders OAuth");
        await Expect(dialog.ListedAlerts).ToHaveCountAsync(1);
        await Expect(dialog.ListedAlerts).ToContainTextAsync("Orders OAuth hook");
        await dialog.ConfirmAsync();
        await Expect(credentials.Snackbar("deleted")).ToContainTextAsync("Orders OAuth");
        await Expect(credentials.Rows).ToHaveCountAsync(0);

        alerts = await shell.OpenRuntimeAlertsAsync();
        await Expect(alerts.Cells("Orders OAuth hook").Nth(2)).ToHaveTextAsync("No Auth");
        overview = await alerts.OpenAsync("Orders OAuth hook");
        await Expect(overview.Auth).ToContainTextAsync("No Auth");
        await Expect(overview.Auth).ToContainTextAsync(new Regex("“Orders OAuth” was deleted on .*UTC"));
        var tokenRequests = server.Requests.Count;
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        var afterDelete = (await receiver.WaitForRequestsAsync(2))[1];
        Assert.Equal("/hooks/oauth", afterDelete.Path);
        Assert.Null(afterDelete.Header("Authorization"));
        Assert.Equal(tokenRequests, server.Requests.Count);
    }

    [Fact]
    public async Task Password_credentials_show_their_own_fields_and_send_a_token_issued_for_the_user()
    {
        await using var server = await TestAuthorizationServer.StartAsync();
        server.Register(new TestAuthorizationServer.RegisteredClient("ops-console", ClientSecret));
        server.AddUser("alert-bot", UserPassword);
        await using var receiver = await WebhookReceiver.StartAsync();
        var shell = new AppShell(Page);
        var credentials = await LogInAndOpenCredentialsAsync();

        var form = await credentials.NewCredentialAsync();
        await form.Name.FillAsync("Ops password grant");
        await form.ChooseTypeAsync("OAuth 2.0");

        // Username, Password and Refresh Token URL belong to Password Credentials only.
        await Expect(form.GrantType).ToHaveValueAsync("Client Credentials");
        await Expect(form.Username).ToHaveCountAsync(0);
        await Expect(form.Password).ToHaveCountAsync(0);
        await Expect(form.RefreshTokenUrl).ToHaveCountAsync(0);
        await form.ChooseGrantTypeAsync("Password Credentials");
        await Expect(form.Username).ToBeVisibleAsync();
        await Expect(form.Password).ToBeVisibleAsync();
        await Expect(form.Password).ToHaveAttributeAsync("type", "password");
        await Expect(form.RefreshTokenUrl).ToBeVisibleAsync();
        await Expect(form.Secret).ToBeVisibleAsync();
        await Expect(form.ClientAuthentication).ToBeVisibleAsync();
        await form.ChooseGrantTypeAsync("Client Credentials with JWT");
        await Expect(form.Username).ToHaveCountAsync(0);
        await Expect(form.Password).ToHaveCountAsync(0);
        await Expect(form.RefreshTokenUrl).ToHaveCountAsync(0);
        await form.ChooseGrantTypeAsync("Password Credentials");
        await Expect(form.Username).ToBeVisibleAsync();

        await form.AccessTokenUrl.FillAsync(server.TokenUrl);
        await form.ClientId.FillAsync("ops-console");
        await form.Secret.FillAsync(ClientSecret);
        await form.ChooseClientAuthenticationAsync("Credentials in body");
        await form.Username.FillAsync("alert-bot");
        await form.Password.FillAsync(UserPassword);
        await form.RefreshTokenUrl.FillAsync(server.RefreshUrl);

        // A wrong password is the endpoint's invalid_grant; the right one gets a token and a refresh token.
        await form.Password.FillAsync("not-the-password");
        await form.TestConnectionAsync(new Regex("invalid_grant"));
        await form.Password.FillAsync(UserPassword);
        await Expect(await form.TestConnectionAsync(Connected)).ToContainTextAsync("A refresh token was issued too.");
        await form.SaveAsync();
        await credentials.ExpectOpenAsync();
        await Expect(credentials.Cells("Ops password grant").Nth(1)).ToHaveTextAsync("OAuth 2.0");

        await CreateAlertAsync("Ops password hook", receiver.Url("/hooks/password"), "Ops password grant");
        var overview = await OpenAlertAsync(shell, "Ops password hook");
        await Expect(overview.Auth).ToContainTextAsync("Ops password grant (OAuth 2.0)");
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        var delivered = (await receiver.WaitForRequestsAsync(1))[0];
        Assert.Equal("/hooks/password", delivered.Path);
        var accessToken = await ExpectIssuedBearerAsync(server, delivered);
        await Expect(overview.DeliveryLog).Not.ToContainTextAsync(accessToken);

        var issued = server.Requests.Last(r => r.Rejection is null);
        Assert.Equal("/token", issued.Path);
        Assert.Equal("password", issued.GrantType);
        Assert.Equal("body", issued.ClientAuthentication);
        Assert.Equal("alert-bot", issued.Form["username"]);
        Assert.Null(issued.AuthorizationHeader);

        // The edit form keeps the grant and its URLs; Username and Password are write-only like every secret.
        credentials = await shell.OpenWebhookCredentialsAsync();
        var edit = await credentials.EditAsync("Ops password grant");
        await Expect(edit.GrantType).ToHaveValueAsync("Password Credentials");
        await Expect(edit.ClientAuthentication).ToHaveValueAsync("Credentials in body");
        await Expect(edit.RefreshTokenUrl).ToHaveValueAsync(server.RefreshUrl);
        await Expect(edit.SavedState("Password")).ToHaveTextAsync("Configured"); // a chosen password: no ending kept
        Assert.DoesNotContain(await edit.FieldValuesAsync(), value => value.Contains(UserPassword, StringComparison.Ordinal));
        Assert.DoesNotContain(UserPassword, await Page.ContentAsync());
    }

    [Fact]
    public async Task Client_credentials_with_jwt_show_the_public_key_to_register_sign_verified_assertions_and_regenerate_only_when_confirmed()
    {
        await using var server = await TestAuthorizationServer.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var shell = new AppShell(Page);
        var credentials = await LogInAndOpenCredentialsAsync();

        var form = await credentials.NewCredentialAsync();
        await form.Name.FillAsync("Ledger OAuth JWT");
        await form.ChooseTypeAsync("OAuth 2.0");
        await form.ChooseGrantTypeAsync("Client Credentials with JWT");
        await Expect(form.Secret).ToHaveCountAsync(0);
        await Expect(form.ClientAuthentication).ToHaveCountAsync(0);
        await Expect(form.SigningAlgorithm).ToHaveValueAsync("RS256");
        await Expect(form.PublicKeyPem).ToHaveCountAsync(0);
        await Expect(form.RegenerateButton).ToHaveCountAsync(0);
        await form.AccessTokenUrl.FillAsync(server.TokenUrl);
        await form.ClientId.FillAsync("ledger-signer");

        // Generate key pair: the public key as PEM and as a JWK whose kid is the key id shown.
        var firstKeyId = await form.GenerateKeyPairAsync();
        await ExpectPublicKeyAsync(form, firstKeyId);

        // Regenerate asks first: Cancel keeps the key, Regenerate replaces it.
        await form.RegenerateAsync(confirm: false);
        Assert.Equal(firstKeyId, await form.ReadKeyIdAsync());
        await form.RegenerateAsync(confirm: true);
        await Expect(form.ShownKeyId).Not.ToHaveTextAsync(firstKeyId);
        var keyId = await form.ReadKeyIdAsync();
        var jwk = await ExpectPublicKeyAsync(form, keyId);

        // Not registered yet: the server refuses the assertion; registered (the JWK read off the page), it issues a token.
        await form.TestConnectionAsync(new Regex("invalid_client"));
        server.Register(new TestAuthorizationServer.RegisteredClient("ledger-signer", PublicJwk: jwk));
        await form.TestConnectionAsync(Connected);
        ExpectVerifiedAssertion(server, "ledger-signer", keyId);
        await form.SaveAsync();
        await credentials.ExpectOpenAsync();
        await Expect(credentials.Cells("Ledger OAuth JWT").Nth(1)).ToHaveTextAsync("OAuth 2.0");

        await CreateAlertAsync("Ledger JWT hook", receiver.Url("/hooks/jwt"), "Ledger OAuth JWT");
        var overview = await OpenAlertAsync(shell, "Ledger JWT hook");
        await Expect(overview.Auth).ToContainTextAsync("Ledger OAuth JWT (OAuth 2.0)");
        var assertionsBefore = server.Requests.Count;
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        var delivered = (await receiver.WaitForRequestsAsync(1))[0];
        await ExpectIssuedBearerAsync(server, delivered);
        Assert.True(server.Requests.Count > assertionsBefore, "Send test did not request a token with the saved key.");
        ExpectVerifiedAssertion(server, "ledger-signer", keyId);

        // The edit form shows the saved public key; a confirmed Regenerate, registered and saved, signs from then on.
        credentials = await shell.OpenWebhookCredentialsAsync();
        var edit = await credentials.EditAsync("Ledger OAuth JWT");
        await Expect(edit.GrantType).ToHaveValueAsync("Client Credentials with JWT");
        await Expect(edit.Secret).ToHaveCountAsync(0);
        await Expect(edit.ShownKeyId).ToHaveTextAsync(keyId);
        await Expect(edit.PublicKeyJwk).ToHaveValueAsync(jwk);
        Assert.DoesNotContain(await edit.FieldValuesAsync(), value => value.Contains("PRIVATE KEY", StringComparison.Ordinal));
        Assert.DoesNotContain("PRIVATE KEY", await Page.ContentAsync());
        await edit.RegenerateAsync(confirm: false);
        await Expect(edit.ShownKeyId).ToHaveTextAsync(keyId);
        await edit.RegenerateAsync(confirm: true);
        await Expect(edit.ShownKeyId).Not.ToHaveTextAsync(keyId);
        var rotatedKeyId = await edit.ReadKeyIdAsync();
        var rotatedJwk = await ExpectPublicKeyAsync(edit, rotatedKeyId);
        server.Register(new TestAuthorizationServer.RegisteredClient("ledger-signer", PublicJwk: rotatedJwk));
        await edit.SaveAsync();
        await credentials.ExpectOpenAsync();

        overview = await OpenAlertAsync(shell, "Ledger JWT hook");
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        delivered = (await receiver.WaitForRequestsAsync(2))[1];
        await ExpectIssuedBearerAsync(server, delivered);
        ExpectVerifiedAssertion(server, "ledger-signer", rotatedKeyId);
        Assert.DoesNotContain(server.Requests, r => r.ClientAuthentication == "jwt" && r.Rejection == "jti replayed");
    }

    /// <summary>
    /// The form's public key: an SPKI PEM and a JWK with only public members whose kid is the shown key id and is the
    /// RFC 7638 thumbprint, computed here independently, of the same key as the PEM. Returns the JWK as shown.
    /// </summary>
    private static async Task<string> ExpectPublicKeyAsync(CredentialFormPage form, string keyId)
    {
        await Expect(form.PublicKeyPem).ToHaveValueAsync(new Regex(@"^-----BEGIN PUBLIC KEY-----\s[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----\s*$"));
        await Expect(form.PublicKeyPem).Not.ToBeEditableAsync();
        await Expect(form.PublicKeyJwk).Not.ToBeEditableAsync();
        await Expect(form.PublicKeyJwk).ToHaveValueAsync(new Regex("\"kid\":\\s*\"" + Regex.Escape(keyId) + "\""));
        var pem = await form.PublicKeyPem.InputValueAsync();
        var jwk = await form.PublicKeyJwk.InputValueAsync();

        using var document = JsonDocument.Parse(jwk);
        var members = document.RootElement.EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetString()!);
        Assert.Equal(["alg", "e", "kid", "kty", "n", "use"], members.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("RSA", members["kty"]);
        Assert.Equal("sig", members["use"]);
        Assert.Equal("RS256", members["alg"]);
        Assert.Equal(keyId, members["kid"]);

        var thumbprintInput = $"{{\"e\":\"{members["e"]}\",\"kty\":\"RSA\",\"n\":\"{members["n"]}\"}}";
        Assert.Equal(keyId, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(thumbprintInput))));

        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        Assert.Equal(2048, rsa.KeySize);
        Assert.Equal(Base64UrlEncoder.Encode(parameters.Modulus), members["n"]);
        Assert.Equal(Base64UrlEncoder.Encode(parameters.Exponent), members["e"]);
        return jwk;
    }

    /// <summary>
    /// The server's last accepted JWT request: it verified the signature with the registered JWK, aud, exp and jti
    /// (else it would have been rejected); read here too, its claims are the contract's: iss = sub = client id, aud = token URL, exp, jti, kid.
    /// </summary>
    private static void ExpectVerifiedAssertion(TestAuthorizationServer server, string clientId, string keyId)
    {
        var accepted = server.Requests.Last(r => r.ClientAuthentication == "jwt");
        Assert.Null(accepted.Rejection);
        Assert.Equal("client_credentials", accepted.GrantType);
        Assert.Null(accepted.AuthorizationHeader);
        Assert.Equal(TestAuthorizationServer.JwtBearerAssertionType, accepted.Form["client_assertion_type"]);
        Assert.False(accepted.Form.ContainsKey("client_secret"));

        var assertion = new JsonWebToken(accepted.Form["client_assertion"]);
        Assert.Equal("RS256", assertion.Alg);
        Assert.Equal(keyId, assertion.Kid);
        Assert.Equal(clientId, assertion.Issuer);
        Assert.Equal(clientId, assertion.Subject);
        Assert.Equal([server.TokenUrl], assertion.Audiences);
        Assert.False(string.IsNullOrEmpty(assertion.Id));
        Assert.True(assertion.TryGetPayloadValue<long>("iat", out var iat));
        Assert.True(assertion.TryGetPayloadValue<long>("exp", out var exp));
        Assert.Equal(300, exp - iat);
        Assert.InRange(DateTimeOffset.FromUnixTimeSeconds(exp), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(6));
    }

    /// <summary>
    /// The webhook carried Authorization: Bearer &lt;token&gt;, and the token is one the test's server issued: its
    /// protected resource, which accepts only live tokens it issued, takes it. Returns the token.
    /// </summary>
    private static async Task<string> ExpectIssuedBearerAsync(TestAuthorizationServer server, ReceivedRequest request)
    {
        var authorization = request.Header("Authorization");
        Assert.NotNull(authorization);
        var match = Regex.Match(authorization, "^Bearer (?<token>at_[A-Za-z0-9_-]+)$");
        Assert.True(match.Success, $"Not a bearer token from the test's server: {authorization}");
        var token = match.Groups["token"].Value;

        using var probe = new HttpRequestMessage(HttpMethod.Get, server.ResourceUrl);
        probe.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(probe);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var forged = new HttpRequestMessage(HttpMethod.Get, server.ResourceUrl);
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
        using var refused = await Http.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        return token;
    }
}
