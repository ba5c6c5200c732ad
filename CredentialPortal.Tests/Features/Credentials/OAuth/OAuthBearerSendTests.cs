using System.Net;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

/// <summary>The token cache against the real authorization server: refresh, and the destination's 401 → one retry.</summary>
public sealed class OAuthBearerSendTests : IAsyncLifetime
{
    private const string ClientId = "portal";
    private const string Secret = "portal-secret";
    private static readonly OAuthTokenKey Key = new(42, 3);

    private TestAuthorizationServer server = default!;
    private HttpClient http = default!;
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        server = await TestAuthorizationServer.StartAsync();
        server.Register(new TestAuthorizationServer.RegisteredClient(ClientId, Secret));
        server.AddUser("alice", "wonderland");
        http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    private OAuthSettings Password() => new()
    {
        GrantType = OAuthGrantType.PasswordCredentials,
        TokenUrl = server.TokenUrl,
        RefreshTokenUrl = server.RefreshUrl,
        ClientId = ClientId,
        Secret = Secret,
        ClientAuthentication = OAuthClientAuthentication.CredentialsInBody,
        Username = "alice",
        Password = "wonderland",
    };

    [Fact]
    public async Task The_cache_renews_an_expiring_token_at_the_refresh_token_URL()
    {
        var cache = new OAuthTokenCache(clock);

        var first = await cache.GetTokenAsync(http, Key, Password());
        clock.Advance(TimeSpan.FromMinutes(30));
        var reused = await cache.GetTokenAsync(http, Key, Password());
        clock.Advance(TimeSpan.FromMinutes(30));
        var renewed = await cache.GetTokenAsync(http, Key, Password());

        Assert.Equal(first.Token!.AccessToken, reused.Token!.AccessToken);
        Assert.NotEqual(first.Token.AccessToken, renewed.Token!.AccessToken);
        Assert.Equal([("/token", "password"), ("/refresh", "refresh_token")], server.Requests.Select(r => (r.Path, r.GrantType)));
        Assert.All(server.Requests, r => Assert.Null(r.Rejection));
    }

    [Fact]
    public async Task A_401_from_the_destination_drops_the_token_and_retries_once_with_a_fresh_one()
    {
        var cache = new OAuthTokenCache(clock);
        HttpRequestMessage Resource() => new(HttpMethod.Post, server.ResourceUrl) { Content = new StringContent("{}") };

        using (var accepted = await cache.SendAsync(http, http, Key, Password(), Resource))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.Response!.StatusCode);
            Assert.False(accepted.RetriedAfterUnauthorized);
        }

        server.RevokeAccessTokens(); // the destination no longer accepts the cached token, though it has not expired

        using var retried = await cache.SendAsync(http, http, Key, Password(), Resource);
        Assert.Equal(HttpStatusCode.OK, retried.Response!.StatusCode);
        Assert.True(retried.RetriedAfterUnauthorized);
        Assert.Equal(["password", "refresh_token"], server.Requests.Select(r => r.GrantType));
    }

    [Fact]
    public async Task A_destination_that_keeps_answering_401_gets_exactly_one_retry()
    {
        await using var destination = await LoopbackReceiver.StartAsync();
        destination.Script(new LoopbackReceiver.Reply(401), new LoopbackReceiver.Reply(401), new LoopbackReceiver.Reply(401));
        var cache = new OAuthTokenCache(clock);

        using var result = await cache.SendAsync(http, http, Key, Password(), () => new HttpRequestMessage(HttpMethod.Get, destination.Url("hook")));

        Assert.Equal(HttpStatusCode.Unauthorized, result.Response!.StatusCode);
        Assert.True(result.RetriedAfterUnauthorized);
        var sent = destination.Requests.Select(r => r.Headers["Authorization"]).ToArray();
        Assert.Equal(2, sent.Length);
        Assert.All(sent, header => Assert.StartsWith("Bearer at_", header));
        Assert.NotEqual(sent[0], sent[1]);
    }

    [Fact]
    public async Task Without_a_token_nothing_is_sent_and_the_endpoints_error_explains_why()
    {
        await using var destination = await LoopbackReceiver.StartAsync();
        var cache = new OAuthTokenCache(clock);

        using var result = await cache.SendAsync(http, http, Key, Password() with { Password = "wrong-password" },
            () => new HttpRequestMessage(HttpMethod.Get, destination.Url("hook")));

        Assert.Null(result.Response);
        Assert.Equal("invalid_grant", result.Token.Error);
        Assert.DoesNotContain("wrong-password", result.Token.Message);
        Assert.Empty(destination.Requests);
    }
}
