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

/// <summary>Nothing of an OAuth 2.0 credential reaches a log line, at any level: not the secrets, not the access token.</summary>
public sealed class OAuthCredentialLoggingTests
{
    [Fact]
    public async Task No_secret_password_private_key_or_access_token_is_logged()
    {
        var logs = new CapturingLoggerProvider();
        await using var database = await PortalTestDatabase.CreateAsync(services =>
        {
            services.AddSingleton(TimeProvider.System);
            services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        });
        await using var server = await TestAuthorizationServer.StartAsync();
        var unique = Guid.NewGuid().ToString("N");
        server.Register(new TestAuthorizationServer.RegisteredClient("logged-client", $"secret-{unique}"));
        server.AddUser($"user-{unique}", $"password-{unique}");
        var input = new CredentialInput
        {
            Name = "Logged", Type = CredentialType.OAuth2, GrantType = OAuthGrantType.PasswordCredentials, TokenUrl = server.TokenUrl,
            ClientId = "logged-client", Secret = $"secret-{unique}", Username = $"user-{unique}", Password = $"password-{unique}",
        };
        var id = (await database.Credentials.CreateAsync(input)).Id;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri(server.ResourceUrl), credentialId: id))).Id;
        Assert.True((await database.SendTestAsync(alert))!.Delivered);
        Assert.True((await database.Credentials.TestConnectionAsync(id, (await database.Credentials.GetForEditAsync(id))!.ToInput())).Connection!.Succeeded);

        // The token the webhook carried, from the shared cache.
        var resolved = (await database.Credentials.ResolveAsync(id))!;
        var http = database.Services.GetRequiredService<IHttpClientFactory>().CreateClient(DeliveryRegistration.ClientName);
        var token = (await database.Services.GetRequiredService<OAuthTokenCache>()
            .GetTokenAsync(http, new OAuthTokenKey(id, resolved.Version), resolved.OAuth!)).Token!;
        Assert.Equal(2, server.IssuedAccessTokens); // the cached one (no new request here) and Test connection's own

        Assert.NotEmpty(logs.Lines);
        foreach (var hidden in new[] { $"secret-{unique}", $"password-{unique}", token.AccessToken, token.RefreshToken! })
        {
            Assert.DoesNotContain(logs.Lines, line => line.Contains(hidden, StringComparison.Ordinal));
        }
    }
}
