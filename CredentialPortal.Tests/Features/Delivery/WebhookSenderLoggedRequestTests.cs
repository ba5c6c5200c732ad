using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Features.Credentials.OAuth;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>The delivery log shows the request that went out, masked, whatever the outcome.</summary>
public sealed class WebhookSenderLoggedRequestTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private LoopbackReceiver receiver = default!;

    public async Task InitializeAsync()
    {
        // Real time: the per-attempt timeout waits on the TimeProvider. Retries are due at once: the worker makes them here.
        database = await PortalTestDatabase.CreateAsync(s => s
            .AddSingleton(TimeProvider.System)
            .Configure<WebhookOptions>(o => o.RetrySchedule = "0s"));
        receiver = await LoopbackReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await database.DisposeAsync();
    }

    private async Task<int> AlertAsync(AlertInput input)
    {
        var result = await database.Alerts.CreateAsync(input);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? []));
        return result.Id;
    }

    private async Task<LoggedDelivery> OnlyRowAsync(int alert) => Assert.Single((await database.DeliveryLog.ListAsync(alert, 0, 10)).Items);

    /// <summary>The first attempt hangs past the (lowest) timeout; the receiver is let go when the sender gives up.</summary>
    private void ReceiverDoesNotAnswerTheFirstAttempt()
    {
        // Read when the webhook client's pipeline is built, at this test's first send.
        database.Services.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue.TimeoutSeconds = 1;
        receiver.Script(new LoopbackReceiver.Reply(200, Delay: TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task A_timed_out_delivery_logs_the_masked_credential_and_the_extra_headers_it_sent()
    {
        var credential = (await database.Credentials.CreateAsync(CredentialInputs.ClientId(value: "partner-7731"))).Id;
        var input = AlertInputs.RuntimeAlert(url: receiver.Url("hooks/slow"), credentialId: credential,
            headers: [("X-Team", "ops"), ("X-Api-Key", "sk-extra-5521")]);
        input.Headers[1].Secret = true;
        var alert = await AlertAsync(input);
        ReceiverDoesNotAnswerTheFirstAttempt();

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((false, 1, "No response within 1 s."), (outcome!.Delivered, outcome.Attempts, outcome.Error));
        var headers = (await OnlyRowAsync(alert)).Headers.Split('\n');
        Assert.Contains("clientid: ****", headers);
        Assert.Contains("X-Team: ops", headers);
        Assert.Contains("X-Api-Key: ****", headers);
        Assert.Contains($"webhook-id: {outcome.View.WebhookId}", headers);
        Assert.DoesNotContain(headers, h => h.Contains("partner-7731") || h.Contains("sk-extra-5521"));

        // The next attempt, by the worker, is logged the same way: each attempt with the masked request it sent.
        Assert.Equal(1, await database.Worker.SendDueAsync());
        var attempts = (await database.ReloadAsync(outcome)).View.Attempts;
        Assert.Equal([null, 200], attempts.Select(a => a.StatusCode));
        Assert.Equal(2, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal("partner-7731", r.Headers["clientid"]));
        Assert.All(attempts, a =>
        {
            Assert.Contains("clientid: ****", a.Headers.Split('\n'));
            Assert.Contains("X-Api-Key: ****", a.Headers.Split('\n'));
            Assert.DoesNotContain("partner-7731", a.Headers);
            Assert.DoesNotContain("sk-extra-5521", a.Headers);
        });
    }

    [Fact]
    public async Task A_timed_out_delivery_logs_the_url_it_sent_with_the_query_credential_masked()
    {
        var credential = (await database.Credentials.CreateAsync(CredentialInputs.ClientId(value: "partner-7731",
            location: CredentialLocation.QueryParam))).Id;
        var alert = await AlertAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/slow?team=ops"), credentialId: credential));
        ReceiverDoesNotAnswerTheFirstAttempt();

        Assert.Equal("No response within 1 s.", (await database.SendTestAsync(alert))!.Error);

        Assert.Equal("?team=ops&clientid=partner-7731", Assert.Single(receiver.Requests).Query);
        Assert.EndsWith("/hooks/slow?team=ops&clientid=****", (await OnlyRowAsync(alert)).Url);
    }

    [Fact]
    public async Task A_masked_query_credential_keeps_the_url_valid_with_its_other_parameters_and_fragment()
    {
        var credential = (await database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret(location: CredentialLocation.QueryParam))).Id;
        var alert = await AlertAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/a%20b?a=1&note=x%26y#frag"), credentialId: credential));

        Assert.True((await database.SendTestAsync(alert))!.Delivered);

        Assert.Equal("?a=1&note=x%26y&clientid=bGlua2Vwb25h", Assert.Single(receiver.Requests).Query);
        var logged = (await OnlyRowAsync(alert)).Url;
        Assert.True(Uri.TryCreate(logged, UriKind.Absolute, out var url), logged);
        Assert.Equal(("/hooks/a%20b", "?a=1&note=x%26y&clientid=****", "#frag"), (url.AbsolutePath, url.Query, url.Fragment));
        Assert.DoesNotContain("bGlua2Vwb25h", logged);
    }

    [Fact]
    public async Task An_oauth_delivery_that_got_no_token_logs_no_authorization_header_because_none_was_sent()
    {
        await using var server = await TestAuthorizationServer.StartAsync();
        server.Register(new TestAuthorizationServer.RegisteredClient("portal-client", "the-right-secret"));
        var credential = (await database.Credentials.CreateAsync(new CredentialInput
        {
            Name = "Auth server",
            Type = CredentialType.OAuth2,
            GrantType = OAuthGrantType.ClientCredentials,
            TokenUrl = server.TokenUrl,
            ClientId = "portal-client",
            Secret = "a-wrong-secret",
            ClientAuthentication = OAuthClientAuthentication.BasicAuthHeader,
        })).Id;
        var alert = await AlertAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/oauth"), credentialId: credential));

        var outcome = await database.SendTestAsync(alert);

        Assert.StartsWith("No access token", outcome!.Error);
        Assert.Empty(receiver.Requests);
        Assert.DoesNotContain("Authorization", (await OnlyRowAsync(alert)).Headers);
    }
}
