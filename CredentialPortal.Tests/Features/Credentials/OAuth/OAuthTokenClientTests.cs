using System.Net;
using System.Text;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

/// <summary>Every grant against a real, strict authorization server on loopback.</summary>
public sealed class OAuthTokenClientTests : IAsyncLifetime
{
    // Characters that Basic's form-urlencoding (RFC 6749 §2.3.1) must carry: colon, space, plus, percent, non-ASCII.
    private const string ClientId = "portal:client id";
    private const string Secret = "s3cr:et +/=%&é";
    private const string PublicClientId = "public-client";
    private const string JwtClientId = "portal-jwt";

    private static readonly OAuthKeyPair Keys = OAuthKeys.Generate();

    private TestAuthorizationServer server = default!;
    private HttpClient http = default!;

    public async Task InitializeAsync()
    {
        server = await TestAuthorizationServer.StartAsync();
        server.Register(new TestAuthorizationServer.RegisteredClient(ClientId, Secret, AllowedScopes: ["alerts.write", "alerts.read"]));
        server.Register(new TestAuthorizationServer.RegisteredClient(PublicClientId));
        server.Register(new TestAuthorizationServer.RegisteredClient(JwtClientId, PublicJwk: Keys.PublicKey.Jwk));
        server.AddUser("alice", "p@ss word:1");
        http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    private OAuthSettings ClientCredentials(OAuthClientAuthentication authentication, string secret = Secret, string? scopes = null) => new()
    {
        GrantType = OAuthGrantType.ClientCredentials,
        TokenUrl = server.TokenUrl,
        ClientId = ClientId,
        Secret = secret,
        ClientAuthentication = authentication,
        Scopes = scopes,
    };

    private OAuthSettings Password(string? refreshUrl = null, string password = "p@ss word:1") => new()
    {
        GrantType = OAuthGrantType.PasswordCredentials,
        TokenUrl = server.TokenUrl,
        ClientId = ClientId,
        Secret = Secret,
        ClientAuthentication = OAuthClientAuthentication.BasicAuthHeader,
        Username = "alice",
        Password = password,
        RefreshTokenUrl = refreshUrl,
    };

    private OAuthSettings Jwt(OAuthSigningAlgorithm algorithm = OAuthSigningAlgorithm.RS256, string? privateKey = null) => new()
    {
        GrantType = OAuthGrantType.ClientCredentialsWithJwt,
        TokenUrl = server.TokenUrl,
        ClientId = JwtClientId,
        SigningAlgorithm = algorithm,
        PrivateKeyPem = privateKey ?? Keys.PrivateKeyPem,
        Scopes = "alerts.write",
    };

    [Fact]
    public async Task Client_credentials_with_the_Basic_header_sends_the_form_urlencoded_id_and_secret()
    {
        var result = await new OAuthTokenClient(http).RequestTokenAsync(ClientCredentials(OAuthClientAuthentication.BasicAuthHeader, scopes: " alerts.write   alerts.read "));

        Assert.True(result.Succeeded, result.Message);
        var request = Assert.Single(server.Requests);
        Assert.Null(request.Rejection);
        Assert.Equal("basic", request.ClientAuthentication);
        Assert.Equal("client_credentials", request.GrantType);
        // Exactly these parameters: nothing of the client in the body, scope normalised to single spaces.
        Assert.Equal(["grant_type", "scope"], request.Form.Keys.Order());
        Assert.Equal("alerts.write alerts.read", request.Form["scope"]);
        var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes(WebUtility.UrlEncode(ClientId) + ":" + WebUtility.UrlEncode(Secret)));
        Assert.Equal("Basic " + expected, request.AuthorizationHeader);

        var token = result.Token!;
        Assert.StartsWith("at_", token.AccessToken);
        Assert.Equal("Bearer " + token.AccessToken, token.AuthorizationHeaderValue);
        Assert.Equal(TimeSpan.FromHours(1), token.ExpiresAt - token.IssuedAt);
        Assert.Null(token.RefreshToken); // RFC 6749 §4.4.3
        Assert.Equal("alerts.write alerts.read", token.Scope);
    }

    [Fact]
    public async Task Client_credentials_in_the_body_send_client_id_and_client_secret_and_no_header()
    {
        var result = await new OAuthTokenClient(http).RequestTokenAsync(ClientCredentials(OAuthClientAuthentication.CredentialsInBody));

        Assert.True(result.Succeeded, result.Message);
        var request = Assert.Single(server.Requests);
        Assert.Equal("body", request.ClientAuthentication);
        Assert.Null(request.AuthorizationHeader);
        Assert.Equal(["client_id", "client_secret", "grant_type"], request.Form.Keys.Order());
        Assert.Equal(ClientId, request.Form["client_id"]);
        Assert.Equal(Secret, request.Form["client_secret"]);
    }

    [Theory]
    [InlineData(OAuthClientAuthentication.BasicAuthHeader)]
    [InlineData(OAuthClientAuthentication.CredentialsInBody)]
    public async Task A_wrong_secret_is_refused_with_invalid_client_and_the_secret_is_not_in_the_message(OAuthClientAuthentication authentication)
    {
        const string wrong = "wrong-secret-value";

        var result = await new OAuthTokenClient(http).RequestTokenAsync(ClientCredentials(authentication, wrong));

        Assert.False(result.Succeeded);
        Assert.Equal(OAuthTokenFailure.Endpoint, result.Failure);
        Assert.Equal(401, result.StatusCode);
        Assert.Equal("invalid_client", result.Error);
        Assert.Contains("invalid_client", result.Message);
        Assert.DoesNotContain(wrong, result.Message);
        Assert.DoesNotContain(wrong, result.ToString());
        Assert.Equal("unknown client or wrong secret", Assert.Single(server.Requests).Rejection);
    }

    [Fact]
    public async Task A_scope_the_client_may_not_have_is_the_endpoints_invalid_scope()
    {
        var result = await new OAuthTokenClient(http).RequestTokenAsync(ClientCredentials(OAuthClientAuthentication.BasicAuthHeader, scopes: "admin"));

        Assert.Equal("invalid_scope", result.Error);
        Assert.Equal(400, result.StatusCode);
        Assert.Contains("scope not allowed: admin", result.Message);
    }

    [Fact]
    public async Task Password_grant_sends_username_and_password_and_gets_a_refresh_token()
    {
        var result = await new OAuthTokenClient(http).RequestTokenAsync(Password());

        Assert.True(result.Succeeded, result.Message);
        var request = Assert.Single(server.Requests);
        Assert.Equal("password", request.GrantType);
        Assert.Equal("basic", request.ClientAuthentication);
        Assert.Equal(["grant_type", "password", "username"], request.Form.Keys.Order());
        Assert.Equal("alice", request.Form["username"]);
        Assert.Equal("p@ss word:1", request.Form["password"]);
        Assert.StartsWith("rt_", result.Token!.RefreshToken);
    }

    [Fact]
    public async Task A_wrong_password_is_invalid_grant_and_never_echoed()
    {
        const string wrong = "not-her-password";

        var result = await new OAuthTokenClient(http).RequestTokenAsync(Password(password: wrong));

        Assert.Equal("invalid_grant", result.Error);
        Assert.Equal(400, result.StatusCode);
        Assert.DoesNotContain(wrong, result.Message);
    }

    [Fact]
    public async Task A_public_client_without_a_secret_identifies_itself_by_client_id_only()
    {
        var settings = Password() with { ClientId = PublicClientId, Secret = null };

        var result = await new OAuthTokenClient(http).RequestTokenAsync(settings);

        Assert.True(result.Succeeded, result.Message);
        var request = Assert.Single(server.Requests);
        Assert.Equal("none", request.ClientAuthentication);
        Assert.Equal(PublicClientId, request.Form["client_id"]);
        Assert.False(request.Form.ContainsKey("client_secret"));
    }

    [Fact]
    public async Task Refresh_goes_to_the_token_URL_and_rotates_the_refresh_token()
    {
        var client = new OAuthTokenClient(http);
        var first = (await client.RequestTokenAsync(Password())).Token!;

        var refreshed = await client.RefreshTokenAsync(Password(), first.RefreshToken!);

        Assert.True(refreshed.Succeeded, refreshed.Message);
        var request = server.Requests.Last();
        Assert.Equal("/token", request.Path);
        Assert.Equal("refresh_token", request.GrantType);
        Assert.Equal("basic", request.ClientAuthentication);
        Assert.Equal(["grant_type", "refresh_token"], request.Form.Keys.Order());
        Assert.Equal(first.RefreshToken, request.Form["refresh_token"]);
        Assert.NotEqual(first.AccessToken, refreshed.Token!.AccessToken);
        Assert.NotEqual(first.RefreshToken, refreshed.Token.RefreshToken);

        // The spent refresh token is refused, as invalid_grant.
        var replay = await client.RefreshTokenAsync(Password(), first.RefreshToken!);
        Assert.Equal("invalid_grant", replay.Error);
    }

    [Fact]
    public async Task Refresh_goes_to_the_refresh_token_URL_when_one_is_set()
    {
        var settings = Password(refreshUrl: server.RefreshUrl);
        var client = new OAuthTokenClient(http);
        var first = (await client.RequestTokenAsync(settings)).Token!;

        var refreshed = await client.RefreshTokenAsync(settings, first.RefreshToken!);

        Assert.True(refreshed.Succeeded, refreshed.Message);
        Assert.Equal(["/token", "/refresh"], server.Requests.Select(r => r.Path));
    }

    [Theory]
    [InlineData(OAuthSigningAlgorithm.RS256)]
    [InlineData(OAuthSigningAlgorithm.RS384)]
    [InlineData(OAuthSigningAlgorithm.RS512)]
    public async Task Jwt_grant_sends_a_signed_assertion_the_server_verifies_with_the_registered_JWK(OAuthSigningAlgorithm algorithm)
    {
        var keys = OAuthKeys.Generate(algorithm);
        server.Register(new TestAuthorizationServer.RegisteredClient("jwt-" + algorithm, PublicJwk: keys.PublicKey.Jwk));
        var settings = Jwt(algorithm, keys.PrivateKeyPem) with { ClientId = "jwt-" + algorithm };

        var result = await new OAuthTokenClient(http).RequestTokenAsync(settings);

        Assert.True(result.Succeeded, result.Message);
        var request = Assert.Single(server.Requests);
        Assert.Equal("jwt", request.ClientAuthentication);
        Assert.Null(request.AuthorizationHeader);
        Assert.Equal(["client_assertion", "client_assertion_type", "client_id", "grant_type", "scope"], request.Form.Keys.Order());
        Assert.Equal("client_credentials", request.Form["grant_type"]);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", request.Form["client_assertion_type"]);
        Assert.Equal("jwt-" + algorithm, request.Form["client_id"]);
    }

    [Fact]
    public async Task Jwt_grant_twice_uses_a_fresh_jti_each_time_and_a_replayed_assertion_is_refused()
    {
        var client = new OAuthTokenClient(http);
        Assert.True((await client.RequestTokenAsync(Jwt())).Succeeded);
        Assert.True((await client.RequestTokenAsync(Jwt())).Succeeded);

        // The same assertion a second time, as an attacker who captured it would send it.
        var captured = server.Requests.First().Form;
        using var replay = await http.PostAsync(server.TokenUrl, new FormUrlEncodedContent(captured));

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("invalid_client", await replay.Content.ReadAsStringAsync());
        Assert.Equal("jti replayed", server.Requests.Last().Rejection);
    }

    [Fact]
    public async Task Jwt_grant_with_a_key_the_server_does_not_know_is_invalid_client()
    {
        var result = await new OAuthTokenClient(http).RequestTokenAsync(Jwt(privateKey: OAuthKeys.Generate().PrivateKeyPem));

        Assert.Equal("invalid_client", result.Error);
        Assert.StartsWith("assertion rejected", Assert.Single(server.Requests).Rejection);
    }

    [Fact]
    public async Task An_expired_assertion_is_refused()
    {
        var tenMinutesAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));

        var result = await new OAuthTokenClient(http, tenMinutesAgo).RequestTokenAsync(Jwt());

        Assert.Equal("invalid_client", result.Error);
        Assert.Equal("assertion rejected: SecurityTokenExpiredException", Assert.Single(server.Requests).Rejection);
    }

    [Fact]
    public async Task An_assertion_for_another_audience_is_refused()
    {
        // The server's own URL spelled differently is another audience: aud must be exactly the token URL.
        var otherAudience = Jwt() with { TokenUrl = server.TokenUrl.Replace("/token", "/./token") };

        var result = await new OAuthTokenClient(http).RequestTokenAsync(otherAudience);

        Assert.Equal("invalid_client", result.Error);
        Assert.Equal("assertion rejected: SecurityTokenInvalidAudienceException", Assert.Single(server.Requests).Rejection);
    }

    [Fact]
    public async Task An_assertion_living_longer_than_five_minutes_is_refused_by_the_server()
    {
        server.MaxAssertionLifetime = TimeSpan.FromMinutes(4); // the server is stricter than our 5 minutes

        var result = await new OAuthTokenClient(http).RequestTokenAsync(Jwt());

        Assert.Equal("invalid_client", result.Error);
        Assert.Equal("assertion lifetime too long", Assert.Single(server.Requests).Rejection);
    }

    [Fact]
    public async Task Test_connection_reports_success_with_the_expiry_or_the_endpoints_error()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        var client = new OAuthTokenClient(http, clock);

        var ok = await client.TestConnectionAsync(Password());
        Assert.True(ok.Succeeded, ok.Message);
        Assert.Equal(clock.GetUtcNow().AddHours(1), ok.ExpiresAt);
        Assert.True(ok.RefreshTokenIssued);
        Assert.Equal("Connected: token received, it expires at 2026-11-23 10:00:00 UTC. A refresh token was issued too.", ok.Message);

        var refused = await client.TestConnectionAsync(ClientCredentials(OAuthClientAuthentication.CredentialsInBody, "wrong-secret-1"));
        Assert.False(refused.Succeeded);
        Assert.Null(refused.ExpiresAt);
        Assert.Equal("The token endpoint refused the request (HTTP 401): invalid_client — unknown client or wrong secret", refused.Message);
    }

    [Fact]
    public async Task A_response_without_expires_in_has_no_expiry()
    {
        server.AccessTokenLifetimeSeconds = null;

        var result = await new OAuthTokenClient(http).RequestTokenAsync(ClientCredentials(OAuthClientAuthentication.BasicAuthHeader));

        Assert.True(result.Succeeded);
        Assert.Null(result.Token!.ExpiresAt);
    }

    [Fact]
    public async Task Incomplete_settings_fail_before_any_request()
    {
        var result = await new OAuthTokenClient(http).RequestTokenAsync(ClientCredentials(OAuthClientAuthentication.BasicAuthHeader, secret: ""));

        Assert.Equal(OAuthTokenFailure.Configuration, result.Failure);
        Assert.Equal("Secret is required.", result.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_token_endpoint_that_is_down_is_a_network_failure_not_an_exception()
    {
        var port = server.BaseAddress.Port;
        await server.DisposeAsync();
        server = await TestAuthorizationServer.StartAsync(); // a new, different port; the old one is closed

        var result = await new OAuthTokenClient(http).RequestTokenAsync(ClientCredentials(OAuthClientAuthentication.BasicAuthHeader) with
        {
            TokenUrl = $"http://127.0.0.1:{port}/token",
        });

        Assert.Equal(OAuthTokenFailure.Network, result.Failure);
        Assert.StartsWith("The token endpoint could not be reached: ", result.Message);
        Assert.DoesNotContain(Secret, result.Message);
    }

    [Fact]
    public async Task Non_OAuth_HTTP_failures_and_non_token_answers_are_reported_by_status()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Script(new LoopbackReceiver.Reply(503), new LoopbackReceiver.Reply(200));
        var settings = ClientCredentials(OAuthClientAuthentication.BasicAuthHeader) with { TokenUrl = receiver.Url("token").AbsoluteUri };
        var client = new OAuthTokenClient(http);

        var unavailable = await client.RequestTokenAsync(settings);
        Assert.Equal(OAuthTokenFailure.Http, unavailable.Failure);
        Assert.Equal(503, unavailable.StatusCode);
        Assert.Equal("The token endpoint answered HTTP 503 Service Unavailable.", unavailable.Message);

        var empty = await client.RequestTokenAsync(settings);
        Assert.Equal(OAuthTokenFailure.InvalidResponse, empty.Failure);
        Assert.Equal("The token endpoint answered HTTP 200 without a JSON token response.", empty.Message);
    }

    /// <summary>The app's "webhook" client: SSRF checks at connect time, no redirects, the resilience pipeline.</summary>
    private static ServiceProvider WebhookServices(bool allowPrivateNetworks)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhookDelivery(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:AllowPrivateNetworks"] = allowPrivateNetworks ? "true" : "false",
            ["Webhooks:TimeoutSeconds"] = "5",
        }).Build());
        return services.BuildServiceProvider();
    }

    private static HttpClient WebhookClient(ServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(DeliveryRegistration.ClientName);

    [Fact]
    public async Task Through_the_webhook_client_a_token_is_fetched()
    {
        await using var services = WebhookServices(allowPrivateNetworks: true);

        var result = await new OAuthTokenClient(WebhookClient(services)).RequestTokenAsync(Jwt());

        Assert.True(result.Succeeded, result.Message);
    }

    [Fact]
    public async Task Through_the_webhook_client_a_private_token_endpoint_is_refused_by_the_SSRF_rules()
    {
        await using var services = WebhookServices(allowPrivateNetworks: false);

        var result = await new OAuthTokenClient(WebhookClient(services)).RequestTokenAsync(ClientCredentials(OAuthClientAuthentication.BasicAuthHeader));

        Assert.Equal(OAuthTokenFailure.Refused, result.Failure);
        Assert.Equal($"The token endpoint could not be reached: 127.0.0.1 is refused: {WebhookDestinationPolicy.RefusedMessage}.", result.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Through_the_webhook_client_a_redirecting_token_endpoint_is_not_followed()
    {
        await using var services = WebhookServices(allowPrivateNetworks: true);
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Script(new LoopbackReceiver.Reply(307, Location: server.TokenUrl));
        var settings = ClientCredentials(OAuthClientAuthentication.BasicAuthHeader) with { TokenUrl = receiver.Url("token").AbsoluteUri };

        var result = await new OAuthTokenClient(WebhookClient(services)).RequestTokenAsync(settings);

        Assert.Equal(OAuthTokenFailure.Http, result.Failure);
        Assert.Equal("The token endpoint answered HTTP 307: redirects are not followed.", result.Message);
        Assert.Empty(server.Requests); // the secret never reached the redirect's target
    }
}
