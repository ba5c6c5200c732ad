using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

/// <summary>Token and refresh URLs get the webhooks' SSRF rule, in every spelling of a private address, at save and at connect.</summary>
public sealed class OAuthTokenDestinationTests : IAsyncLifetime
{
    private const string ClientId = "portal-client";
    private const string Secret = "s3cret-client-value-9931";

    private PortalTestDatabase database = default!;
    private TestAuthorizationServer server = default!;

    public async Task InitializeAsync()
    {
        database = await PortalTestDatabase.CreateAsync(s => s.AddSingleton(TimeProvider.System));
        database.Services.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue.AllowPrivateNetworks = false;
        server = await TestAuthorizationServer.StartAsync();
        server.Register(new TestAuthorizationServer.RegisteredClient(ClientId, Secret));
        server.AddUser("alice", "wonderland-password");
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>The authorization server's URL with its 127.0.0.1 written as an IPv6 literal.</summary>
    private string Spelled(string url, string literal) => url.Replace("127.0.0.1", $"[{literal}]");

    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::1")]
    public async Task Token_and_refresh_URLs_are_refused_at_save_and_at_connect(string literal)
    {
        var input = new CredentialInput
        {
            Name = "Spelled", Type = CredentialType.OAuth2, GrantType = OAuthGrantType.PasswordCredentials,
            TokenUrl = Spelled(server.TokenUrl, literal), RefreshTokenUrl = Spelled(server.RefreshUrl, literal),
            ClientId = ClientId, Secret = Secret, Username = "alice", Password = "wonderland-password",
        };

        var saved = await database.Credentials.CreateAsync(input);
        var test = await database.Credentials.TestConnectionAsync(null, input);

        Assert.Equal(SaveStatus.Invalid, saved.Status);
        Assert.Contains(WebhookDestinationPolicy.RefusedMessage, Assert.Single(saved.Errors![nameof(CredentialInput.TokenUrl)]));
        Assert.Contains(WebhookDestinationPolicy.RefusedMessage, Assert.Single(saved.Errors[nameof(CredentialInput.RefreshTokenUrl)]));
        Assert.Null(test.Connection);

        // At connect time too, for settings that got past the save check (saved when private networks were allowed).
        var client = new OAuthTokenClient(database.Services.GetRequiredService<IHttpClientFactory>().CreateClient(DeliveryRegistration.ClientName));
        var settings = new OAuthSettings
        {
            GrantType = OAuthGrantType.PasswordCredentials, TokenUrl = input.TokenUrl, RefreshTokenUrl = input.RefreshTokenUrl,
            ClientId = ClientId, Secret = Secret, Username = "alice", Password = "wonderland-password",
        };
        var token = await client.RequestTokenAsync(settings);
        var refresh = await client.RefreshTokenAsync(settings, "rt_some-refresh-token");

        foreach (var result in new[] { token, refresh })
        {
            Assert.Equal(OAuthTokenFailure.Refused, result.Failure); // not a network error: attempting again cannot help
            Assert.Contains(WebhookDestinationPolicy.RefusedMessage, result.Message);
        }
        Assert.Empty(server.Requests);
    }
}
