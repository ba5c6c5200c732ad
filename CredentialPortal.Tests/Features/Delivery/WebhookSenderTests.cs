using System.Text.Json;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class WebhookSenderTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private LoopbackReceiver receiver = default!;

    public async Task InitializeAsync()
    {
        // Real time: the retry back-off and the per-attempt timeout wait on the TimeProvider.
        database = await PortalTestDatabase.CreateAsync(s => s.AddSingleton(TimeProvider.System));
        receiver = await LoopbackReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await database.DisposeAsync();
    }

    private async Task<int> CredentialAsync(CredentialInput input) => (await database.Credentials.CreateAsync(input)).Id;

    private async Task<int> AlertAsync(string pathAndQuery, int? credentialId = null, string method = "POST", params (string, string)[] headers)
    {
        var result = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url(pathAndQuery), credentialId: credentialId,
            method: method, headers: headers));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? []));
        return result.Id;
    }

    [Fact]
    public async Task Sends_the_specs_example_in_the_header_with_the_test_body_and_extra_headers()
    {
        var credential = await CredentialAsync(CredentialInputs.ClientIdAndSecret(clientId: "link", secret: "epona"));
        var alert = await AlertAsync("hooks/alerts", credential, "POST", ("X-Team", "ops"));

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((true, 200, 1, null), (outcome!.Delivered, outcome.StatusCode, outcome.Attempts, outcome.Error));
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("POST", "/hooks/alerts", ""), (request.Method, request.Path, request.Query));
        Assert.Equal("bGlua2Vwb25h", request.Headers["clientid"]);
        Assert.Equal("ops", request.Headers["X-Team"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.True(body.RootElement.GetProperty("is_test").GetBoolean());
        Assert.Equal(alert, body.RootElement.GetProperty("alert_id").GetInt32());
        Assert.Equal("CPU high", body.RootElement.GetProperty("alert_name").GetString());
        Assert.Equal("runtime_alert", body.RootElement.GetProperty("kind").GetString());
        Assert.InRange(body.RootElement.GetProperty("timestamp").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task No_log_line_or_scope_holds_the_credential_a_delivery_carried_in_a_header_or_the_query()
    {
        var logs = new CapturingLoggerProvider();
        await using var logged = await PortalTestDatabase.CreateAsync(s => s
            .AddSingleton(TimeProvider.System)
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var unique = Guid.NewGuid().ToString("N");
        var inQuery = (await logged.Credentials.CreateAsync(CredentialInputs.ClientId("In query", $"query-{unique}",
            location: CredentialLocation.QueryParam))).Id;
        var inHeader = (await logged.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret("In header", $"id-{unique}", $"secret-{unique}"))).Id;
        var queryAlert = await logged.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/q?team=ops"), credentialId: inQuery));
        Assert.True(queryAlert.Succeeded);
        var headerAlert = await logged.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/h"), credentialId: inHeader));
        // A retried failure first (more log lines), then a success.
        receiver.Script(new LoopbackReceiver.Reply(503), new LoopbackReceiver.Reply(200));

        await logged.SendTestAsync(queryAlert.Id);
        await logged.SendTestAsync(headerAlert.Id);

        Assert.Contains(receiver.Requests, r => r.Query.Contains($"query-{unique}"));
        Assert.Contains(logs.Lines, line => line.Contains("hooks/q")); // HttpClient's own logs are on, at Trace
        var wire = new ResolvedCredential(CredentialType.ClientIdAndSecret, "clientid", CredentialLocation.Header, $"id-{unique}", $"secret-{unique}").WireValue;
        foreach (var hidden in new[] { $"query-{unique}", wire, $"secret-{unique}" })
        {
            Assert.DoesNotContain(logs.Lines, line => line.Contains(hidden, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_hmac_signature_covers_exactly_the_body_the_receiver_got()
    {
        var credential = await CredentialAsync(new CredentialInput
        {
            Name = "Signed", Type = CredentialType.HmacSignature, FieldName = "X-Signature", ClientId = "key_1", Secret = "shh-its-a-secret",
            Format = HmacFormat.TimestampSignatureKey,
        });
        var alert = await AlertAsync("signed", credential);

        Assert.True((await database.SendTestAsync(alert))!.Delivered);

        var request = Assert.Single(receiver.Requests);
        var parts = request.Headers["X-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var expected = System.Security.Cryptography.HMACSHA256.HashData("shh-its-a-secret"u8.ToArray(),
            System.Text.Encoding.UTF8.GetBytes($"{parts["t"]}.{request.Body}"));
        Assert.True(System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"])));
        Assert.Equal("key_1", parts["key"]);
        var logged = Assert.Single((await database.DeliveryLog.ListAsync(alert, 0, 10)).Items);
        Assert.Contains("X-Signature: ****", logged.Headers);
        Assert.DoesNotContain(parts["v1"], logged.Headers);
    }

    [Fact]
    public async Task Basic_and_bearer_credentials_reach_the_receiver()
    {
        var basic = await AlertAsync("basic", await CredentialAsync(new CredentialInput
        {
            Name = "Basic", Type = CredentialType.BasicAuth, ClientId = "webhook_user", Secret = "secure_password_123",
        }));
        var bearer = await AlertAsync("bearer", await CredentialAsync(new CredentialInput
        {
            Name = "Bearer", Type = CredentialType.BearerToken, FieldName = "X-API-Key", Secret = "api_key_12345",
        }));

        await database.SendTestAsync(basic);
        await database.SendTestAsync(bearer);

        var requests = receiver.Requests.ToArray();
        Assert.Equal("Basic d2ViaG9va191c2VyOnNlY3VyZV9wYXNzd29yZF8xMjM=", requests[0].Headers["Authorization"]);
        Assert.Equal("api_key_12345", requests[1].Headers["X-API-Key"]);
    }

    [Fact]
    public async Task A_client_id_goes_raw_and_no_auth_adds_nothing()
    {
        var alert = await AlertAsync("raw", await CredentialAsync(CredentialInputs.ClientId(value: "link")));
        var noAuth = await AlertAsync("none");

        await database.SendTestAsync(alert);
        await database.SendTestAsync(noAuth);

        var requests = receiver.Requests.ToArray();
        Assert.Equal("link", requests[0].Headers["clientid"]);
        Assert.False(requests[1].Headers.ContainsKey("clientid"));
        Assert.Equal("", requests[1].Query);
    }

    [Fact]
    public async Task A_query_param_credential_follows_the_existing_query_and_the_log_masks_it()
    {
        var credential = await CredentialAsync(CredentialInputs.ClientIdAndSecret(location: CredentialLocation.QueryParam));
        var alert = await AlertAsync("hook?team=ops&x=1", credential);

        await database.SendTestAsync(alert);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("?team=ops&x=1&clientid=bGlua2Vwb25h", request.Query);
        Assert.False(request.Headers.ContainsKey("clientid"));
        var logged = Assert.Single((await database.DeliveryLog.ListAsync(alert, 0, 10)).Items);
        Assert.EndsWith("/hook?team=ops&x=1&clientid=****", logged.Url);
        Assert.DoesNotContain("bGlua2Vwb25h", logged.Url + logged.Headers);
    }

    [Fact]
    public async Task The_log_masks_the_credential_and_lists_deliveries_newest_first()
    {
        var alert = await AlertAsync("hook", await CredentialAsync(CredentialInputs.ClientIdAndSecret()), "PUT", ("X-Team", "ops"));
        receiver.Script(new LoopbackReceiver.Reply(400));

        await database.SendTestAsync(alert);
        await database.SendTestAsync(alert);

        var log = (await database.DeliveryLog.ListAsync(alert, 0, 10)).Items;
        Assert.Equal([true, false], log.Select(d => d.Delivered));
        Assert.Equal([200, 400], log.Select(d => d.StatusCode));
        Assert.True(log[0].View.CreatedAtUtc >= log[1].View.CreatedAtUtc);
        Assert.All(log, d => Assert.True(d.IsTest));
        Assert.Equal("PUT", log[0].Method);
        Assert.Contains("clientid: ****", log[0].Headers);
        Assert.Contains("X-Team: ops", log[0].Headers); // a plain extra header is shown as sent; a secret one is masked
        Assert.DoesNotContain("bGlua2Vwb25h", log[0].Headers);
    }

    [Fact]
    public async Task Concurrent_deliveries_are_all_sent_and_logged()
    {
        var alert = await AlertAsync("busy-hour", await CredentialAsync(CredentialInputs.ClientIdAndSecret()));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => database.SendTestAsync(alert)));

        Assert.All(outcomes, o => Assert.True(o!.Delivered));
        Assert.Equal(32, receiver.Requests.Count);
        Assert.Equal(32, (await database.DeliveryLog.ListAsync(alert, 0, 100)).Items.Count);
    }

    [Fact]
    public async Task Retries_a_503_and_then_succeeds()
    {
        var alert = await AlertAsync("flaky");
        receiver.Script(new LoopbackReceiver.Reply(503), new LoopbackReceiver.Reply(503), new LoopbackReceiver.Reply(200));

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((true, 200, 3), (outcome!.Delivered, outcome.StatusCode, outcome.Attempts));
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Gives_up_after_two_retries()
    {
        var alert = await AlertAsync("down");
        receiver.Script(Enumerable.Repeat(new LoopbackReceiver.Reply(500), 5).ToArray());

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((false, 500, 3), (outcome!.Delivered, outcome.StatusCode, outcome.Attempts));
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Does_not_retry_a_400()
    {
        var alert = await AlertAsync("bad");
        receiver.Script(new LoopbackReceiver.Reply(400));

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((false, 400, 1), (outcome!.Delivered, outcome.StatusCode, outcome.Attempts));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Honours_retry_after_on_429()
    {
        var alert = await AlertAsync("busy");
        receiver.Script(new LoopbackReceiver.Reply(429, RetryAfter: "1"));

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((true, 2), (outcome!.Delivered, outcome.Attempts));
        Assert.True(TimeSpan.FromMilliseconds(outcome.View.Attempts.Sum(a => a.DurationMs)) >= TimeSpan.FromSeconds(0.95), $"retried after {TimeSpan.FromMilliseconds(outcome.View.Attempts.Sum(a => a.DurationMs))}");
    }

    [Fact]
    public async Task Does_not_follow_a_redirect()
    {
        var alert = await AlertAsync("moved");
        receiver.Script(new LoopbackReceiver.Reply(302, Location: "/elsewhere"));

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((false, 302, 1), (outcome!.Delivered, outcome.StatusCode, outcome.Attempts));
        Assert.Contains("redirects are not followed", outcome.Error);
        Assert.Equal(["/moved"], receiver.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Each_attempt_times_out_after_the_configured_seconds()
    {
        // Read when the webhook client's pipeline is built, at this test's first send.
        database.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebhookOptions>>().CurrentValue.TimeoutSeconds = 1;
        var alert = await AlertAsync("slow");
        receiver.Script(Enumerable.Repeat(new LoopbackReceiver.Reply(200, Delay: TimeSpan.FromSeconds(4)), 3).ToArray());

        var outcome = await database.SendTestAsync(alert);

        Assert.False(outcome!.Delivered);
        Assert.Equal(3, outcome.Attempts);
        Assert.Equal("No response within 1 s.", outcome.Error);
        // Three 1 s attempts and short back-offs: far below the 12 s the receiver would have taken.
        Assert.InRange(TimeSpan.FromMilliseconds(outcome.View.Attempts.Sum(a => a.DurationMs)), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task A_connection_error_is_retried_and_reported()
    {
        var port = receiver.BaseAddress.Port;
        var alert = await AlertAsync("gone");
        await receiver.DisposeAsync();
        receiver = await LoopbackReceiver.StartAsync();

        var outcome = await database.SendTestAsync(alert);

        Assert.False(outcome!.Delivered);
        Assert.Null(outcome.StatusCode);
        Assert.Equal(3, outcome.Attempts);
        Assert.Contains("refused", outcome.Error, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(port, receiver.BaseAddress.Port);
    }
}
