using System.Net;
using System.Text;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

/// <summary>
/// A token endpoint is as untrusted as a webhook receiver: a deadline over headers and body, a size limit, and nothing it
/// echoes back of the client's credentials reaches the form or the delivery log. Real endpoints on loopback.
/// </summary>
public sealed class OAuthTokenBoundsTests : IAsyncLifetime
{
    // Characters that each encoding changes: colon, space, plus, slash, equals, percent, ampersand, non-ASCII.
    private const string ClientId = "portal client";
    private const string Secret = "s3cr:et +/=%&é";
    private const string Password = "pa ss:w0rd+%é";

    // A guard against a hang, never the assertion: everything here completes long before it.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private HostileTokenEndpoint endpoint = default!;

    public async Task InitializeAsync() => endpoint = await HostileTokenEndpoint.StartAsync();

    public async Task DisposeAsync() => await endpoint.DisposeAsync();

    private OAuthSettings Settings(string path, OAuthGrantType grant = OAuthGrantType.ClientCredentials,
        OAuthClientAuthentication authentication = OAuthClientAuthentication.BasicAuthHeader) => new()
    {
        GrantType = grant,
        TokenUrl = endpoint.Url(path),
        ClientId = ClientId,
        Secret = grant == OAuthGrantType.ClientCredentialsWithJwt ? null : Secret,
        ClientAuthentication = authentication,
        Username = "alice",
        Password = Password,
        PrivateKeyPem = grant == OAuthGrantType.ClientCredentialsWithJwt ? OAuthKeys.Generate().PrivateKeyPem : null,
    };

    /// <summary>The app's "webhook" client (SSRF checks, per-attempt timeout), on the real clock.</summary>
    private static ServiceProvider WebhookServices() =>
        new ServiceCollection().AddLogging().AddWebhookDelivery(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:AllowPrivateNetworks"] = "true",
        }).Build()).BuildServiceProvider();

    private static HttpClient WebhookClient(ServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(DeliveryRegistration.ClientName);

    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+");

    private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    /// <summary>Every encoding in which the secret and the password leave the portal.</summary>
    private static readonly string[] SentForms =
    [
        Secret, WebUtility.UrlEncode(Secret), FormEncode(Secret), Uri.EscapeDataString(Secret),
        Base64($"{FormEncode(ClientId)}:{FormEncode(Secret)}"), Base64($"{ClientId}:{Secret}"),
        Password, WebUtility.UrlEncode(Password), FormEncode(Password),
    ];

    [Fact]
    public async Task A_body_that_trickles_past_the_deadline_is_refused_at_the_deadline()
    {
        await using var services = WebhookServices();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var pending = new OAuthTokenClient(WebhookClient(services), clock).RequestTokenAsync(Settings("trickle"));

        await endpoint.BodyStarted.Task.WaitAsync(Guard); // the headers came at once; the body never ends
        clock.Advance(OAuthTokenLimits.Default.Timeout);
        var result = await pending.WaitAsync(Guard);

        Assert.Equal(OAuthTokenFailure.Network, result.Failure);
        Assert.Equal("The token endpoint could not be reached: no complete answer within 10 s.", result.Message);
        await endpoint.Aborted.Task.WaitAsync(Guard); // the connection was closed, not left reading
    }

    [Fact]
    public async Task A_delivery_waiting_for_a_trickling_token_endpoint_fails_at_the_token_deadline()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        await using var receiver = await LoopbackReceiver.StartAsync();
        var saved = await database.Credentials.CreateAsync(new CredentialInput
        {
            Name = "Slow", Type = CredentialType.OAuth2, GrantType = OAuthGrantType.ClientCredentials, TokenUrl = endpoint.Url("trickle"),
            ClientId = ClientId, Secret = Secret, ClientAuthentication = OAuthClientAuthentication.BasicAuthHeader,
        });
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hook"), credentialId: saved.Id))).Id;

        var pending = database.SendTestAsync(alert);
        await endpoint.BodyStarted.Task.WaitAsync(Guard);
        database.Clock.Advance(OAuthTokenLimits.Default.Timeout);
        var outcome = (await pending.WaitAsync(Guard))!;

        Assert.False(outcome.Delivered);
        Assert.StartsWith("No access token: The token endpoint could not be reached: ", outcome.Error);
        Assert.Equal(outcome.Error, Assert.Single((await database.DeliveryLog.ListAsync(alert, 0, 10)).Items).Error);
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("flood")]
    [InlineData("declared")]
    public async Task A_huge_answer_is_refused_without_being_read_to_the_end(string path)
    {
        await using var services = WebhookServices();

        var result = await new OAuthTokenClient(WebhookClient(services)).RequestTokenAsync(Settings(path)).WaitAsync(Guard);

        Assert.Equal(OAuthTokenFailure.InvalidResponse, result.Failure);
        Assert.Equal("The token endpoint's answer is larger than 64 KB and was refused.", result.Message);
        await endpoint.FloodFinished.Task.WaitAsync(Guard);
        // The client took no more than the sockets' buffers hold, far from the 64 MB answer…
        Assert.InRange(endpoint.BytesSent, 0, HostileTokenEndpoint.FloodBytes / 4);
        // …and closed the connection rather than leaving it to be read.
        await endpoint.Aborted.Task.WaitAsync(Guard);
    }

    [Fact]
    public async Task The_limits_come_from_the_Webhooks_settings()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:TokenTimeoutSeconds"] = "3",
            ["Webhooks:TokenResponseMaxBytes"] = "1024",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddWebhookDelivery(settings).BuildServiceProvider();

        Assert.Equal(new OAuthTokenLimits(TimeSpan.FromSeconds(3), 1024), services.GetRequiredService<OAuthTokenCache>().Limits);
    }

    [Theory]
    [InlineData("echo", OAuthGrantType.ClientCredentials, OAuthClientAuthentication.BasicAuthHeader)]
    [InlineData("echo", OAuthGrantType.ClientCredentials, OAuthClientAuthentication.CredentialsInBody)]
    [InlineData("echo", OAuthGrantType.PasswordCredentials, OAuthClientAuthentication.BasicAuthHeader)]
    [InlineData("echo-status", OAuthGrantType.ClientCredentials, OAuthClientAuthentication.BasicAuthHeader)]
    [InlineData("echo-status", OAuthGrantType.PasswordCredentials, OAuthClientAuthentication.CredentialsInBody)]
    public async Task An_endpoint_echoing_the_request_shows_no_encoding_of_the_secret_on_the_form_or_in_the_delivery_log(
        string path, OAuthGrantType grant, OAuthClientAuthentication authentication)
    {
        // Real time: the token request's and the attempt's timeouts wait on the TimeProvider.
        await using var database = await PortalTestDatabase.CreateAsync(s => s.AddSingleton(TimeProvider.System));
        await using var receiver = await LoopbackReceiver.StartAsync();
        var input = new CredentialInput
        {
            Name = "Echoed",
            Type = CredentialType.OAuth2,
            GrantType = grant,
            TokenUrl = endpoint.Url(path),
            ClientId = ClientId,
            Secret = Secret,
            ClientAuthentication = authentication,
            Username = grant == OAuthGrantType.PasswordCredentials ? "alice" : null,
            Password = grant == OAuthGrantType.PasswordCredentials ? Password : null,
        };
        var saved = await database.Credentials.CreateAsync(input);
        Assert.True(saved.Status == SaveStatus.Saved, string.Join("; ", saved.Errors?.SelectMany(e => e.Value) ?? []));
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hook"), credentialId: saved.Id))).Id;

        var test = (await database.Credentials.TestConnectionAsync(null, input)).Connection!;
        var outcome = (await database.SendTestAsync(alert))!;
        var logged = Assert.Single((await database.DeliveryLog.ListAsync(alert, 0, 10)).Items);

        // The endpoint did echo what was sent…
        Assert.NotEmpty(endpoint.Echoes);
        Assert.All(endpoint.Echoes, echo => Assert.Contains(SentForms, form => echo.Contains(form, StringComparison.Ordinal)));
        // …and none of it came through.
        Assert.False(test.Succeeded);
        Assert.False(outcome.Delivered);
        Assert.Equal(outcome.Error, logged.Error);
        Assert.Contains(CredentialWireFormat.Mask, test.Message);
        foreach (var shown in new[] { test.Message, logged.Error!, logged.Url, logged.Headers })
        {
            foreach (var form in SentForms)
            {
                Assert.DoesNotContain(form, shown, StringComparison.OrdinalIgnoreCase);
            }
        }
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task An_echoed_client_assertion_is_not_shown()
    {
        var result = await new OAuthTokenClient(new HttpClient()).RequestTokenAsync(Settings("echo", OAuthGrantType.ClientCredentialsWithJwt));

        var echo = Assert.Single(endpoint.Echoes);
        var assertion = echo.Split("client_assertion=")[1].Split('&', ';', ' ')[0];
        Assert.Contains(assertion, echo);
        Assert.True(assertion.Length > 100);
        Assert.DoesNotContain(assertion, result.Message);
        Assert.DoesNotContain(assertion, result.ErrorDescription);
        Assert.Contains(CredentialWireFormat.Mask, result.ErrorDescription);
    }
}
