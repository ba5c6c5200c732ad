using System.Text.Json;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class WebhookDestinationTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private LoopbackReceiver receiver = default!;

    public async Task InitializeAsync()
    {
        database = await PortalTestDatabase.CreateAsync(s => s.Configure<WebhookOptions>(o => o.AllowPrivateNetworks = false));
        receiver = await LoopbackReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await database.DisposeAsync();
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2606:4700::1111", false)]
    public void Classifies_addresses(string address, bool refused) =>
        Assert.Equal(refused, WebhookDestinationPolicy.IsRefusedAddress(System.Net.IPAddress.Parse(address)));

    [Fact]
    public async Task A_loopback_url_is_refused_at_save_with_the_reason()
    {
        var result = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hook")));

        Assert.False(result.Succeeded);
        Assert.Contains("private or loopback addresses are not allowed", Assert.Single(result.Errors!["WebhookUrl"]));
    }

    [Fact]
    public async Task Only_http_and_https_are_accepted()
    {
        var result = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri("ftp://example.com/hook")));
        Assert.Contains("http:// or https://", Assert.Single(result.Errors!["WebhookUrl"]));
    }

    [Fact]
    public async Task Sending_checks_again_and_refuses_without_attempting()
    {
        // Saved while private networks were allowed, then the setting was turned off.
        var options = database.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebhookOptions>>().CurrentValue;
        options.AllowPrivateNetworks = true;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hook")))).Id;
        options.AllowPrivateNetworks = false;

        var outcome = await database.SendTestAsync(alert);

        // The refusal is the delivery's one logged attempt, and final: nothing was sent, nothing will be retried.
        Assert.Equal((DeliveryStatus.Failed, 1, null), (outcome!.View.Status, outcome.Attempts, outcome.StatusCode));
        Assert.Contains("private or loopback addresses are not allowed", outcome.Error);
        Assert.Null(outcome.View.NextAttemptAtUtc);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_when_sent_is_attempted_again_not_failed()
    {
        // Saved while private networks were allowed (no lookup then); when sent, the name does not resolve, as in a
        // resolver outage: a network error, attempted again on the schedule, as the connection's own failure would be.
        var options = database.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebhookOptions>>().CurrentValue;
        options.AllowPrivateNetworks = true;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri("http://portal-test.invalid/hook")))).Id;
        options.AllowPrivateNetworks = false;

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((DeliveryStatus.Pending, 1, null), (outcome!.View.Status, outcome.Attempts, outcome.StatusCode));
        Assert.NotNull(outcome.View.NextAttemptAtUtc);
        Assert.DoesNotContain("could not be resolved", outcome.Error);
    }

    [Fact]
    public async Task A_token_endpoint_refused_when_sent_ends_the_delivery_at_once()
    {
        // Saved while private networks were allowed, then the setting was turned off: the token URL is loopback.
        var options = database.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebhookOptions>>().CurrentValue;
        options.AllowPrivateNetworks = true;
        var credential = (await database.Credentials.CreateAsync(new CredentialInput
        {
            Name = "OAuth", Type = CredentialType.OAuth2, GrantType = OAuthGrantType.ClientCredentials, TokenUrl = receiver.Url("token").AbsoluteUri,
            ClientId = "portal", Secret = "portal-secret-0123", ClientAuthentication = OAuthClientAuthentication.BasicAuthHeader,
        })).Id;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri("http://93.184.216.34/hook"), credentialId: credential))).Id;
        options.AllowPrivateNetworks = false;

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((DeliveryStatus.Failed, 1), (outcome!.View.Status, outcome.Attempts));
        Assert.Contains("private or loopback addresses are not allowed", outcome.Error);
        Assert.Null(outcome.View.NextAttemptAtUtc);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task The_connection_itself_is_refused_for_a_name_that_resolves_to_loopback()
    {
        // Past the save-time check: the client's connect callback looks at the addresses it actually connects to.
        var client = database.Services.GetRequiredService<IHttpClientFactory>().CreateClient(DeliveryRegistration.ClientName);
        var url = new UriBuilder(receiver.Url("hook")) { Host = "localhost" }.Uri;

        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.Contains("private or loopback addresses are not allowed", error.InnerException?.Message ?? error.Message);
        Assert.Empty(receiver.Requests);
    }
}
