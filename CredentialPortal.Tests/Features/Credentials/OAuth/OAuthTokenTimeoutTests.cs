using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

/// <summary>
/// A token request has its own deadline (Webhooks:TokenTimeoutSeconds), not the webhook's (Webhooks:TimeoutSeconds): a
/// slow identity provider that answers within it gives a token, for a delivery and for Test connection alike. Real
/// authorization server on loopback, on the real clock.
/// </summary>
public sealed class OAuthTokenTimeoutTests : IAsyncLifetime
{
    private const string ClientId = "portal-client";
    private const string Secret = "s3cret-client-value-9931";

    private PortalTestDatabase database = default!;
    private TestAuthorizationServer server = default!;

    public async Task InitializeAsync()
    {
        database = await PortalTestDatabase.CreateAsync(s => s.AddSingleton(TimeProvider.System)
            .Configure<WebhookOptions>(o => (o.TimeoutSeconds, o.TokenTimeoutSeconds) = (1, 10)));
        server = await TestAuthorizationServer.StartAsync();
        server.Register(new TestAuthorizationServer.RegisteredClient(ClientId, Secret));
        // Slower than a webhook may take, well within a token request's deadline.
        server.AnswerDelay = TimeSpan.FromSeconds(1.5);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await database.DisposeAsync();
    }

    private CredentialInput ClientCredentials() => new()
    {
        Name = "Slow auth server", Type = CredentialType.OAuth2, GrantType = OAuthGrantType.ClientCredentials, TokenUrl = server.TokenUrl,
        ClientId = ClientId, Secret = Secret, ClientAuthentication = OAuthClientAuthentication.BasicAuthHeader,
    };

    [Fact]
    public async Task A_delivery_waits_for_a_token_past_the_webhooks_timeout()
    {
        var credential = (await database.Credentials.CreateAsync(ClientCredentials())).Id;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri(server.ResourceUrl), credentialId: credential))).Id;

        var outcome = await database.SendTestAsync(alert);

        Assert.True(outcome!.Delivered, outcome.Error);
        Assert.Equal(1, server.IssuedAccessTokens);
    }

    [Fact]
    public async Task Test_connection_waits_for_a_token_past_the_webhooks_timeout()
    {
        var test = await database.Credentials.TestConnectionAsync(null, ClientCredentials());

        Assert.True(test.Connection!.Succeeded, test.Connection.Message);
    }
}
