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
        // Real time: the per-attempt timeout waits on the TimeProvider. The schedule between attempts is tested on a
        // moved clock (ScheduledAsync).
        database = await PortalTestDatabase.CreateAsync(s => s.AddSingleton(TimeProvider.System));
        receiver = await LoopbackReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>A database on the test's own clock, for the schedule between attempts: the test moves time, nothing waits.</summary>
    private static Task<PortalTestDatabase> ScheduledAsync(string? retrySchedule = null) =>
        PortalTestDatabase.CreateAsync(s =>
        {
            if (retrySchedule is not null)
            {
                s.Configure<WebhookOptions>(o => o.RetrySchedule = retrySchedule);
            }
        });

    private static async Task<int> AlertAsync(PortalTestDatabase on, Uri url)
    {
        var result = await on.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: url));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? []));
        return result.Id;
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
        // The delivery's id, the same on every attempt, and the attempt's time in unix seconds.
        Assert.Equal("msg_" + outcome.View.DeliveryId.ToString("N"), request.Headers["webhook-id"]);
        Assert.Equal(outcome.View.DeliveryId, body.RootElement.GetProperty("delivery_id").GetGuid());
        Assert.InRange(long.Parse(request.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task No_log_line_or_scope_holds_the_credential_a_delivery_carried_in_a_header_or_the_query()
    {
        var logs = new CapturingLoggerProvider();
        await using var logged = await PortalTestDatabase.CreateAsync(s => s
            .AddSingleton(TimeProvider.System)
            .Configure<WebhookOptions>(o => o.RetrySchedule = "0s") // the retry is due at once: the worker sends it below
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var unique = Guid.NewGuid().ToString("N");
        var inQuery = (await logged.Credentials.CreateAsync(CredentialInputs.ClientId("In query", $"query-{unique}",
            location: CredentialLocation.QueryParam))).Id;
        var inHeader = (await logged.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret("In header", $"id-{unique}", $"secret-{unique}"))).Id;
        var queryAlert = await logged.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/q?team=ops"), credentialId: inQuery));
        Assert.True(queryAlert.Succeeded);
        var headerAlert = await logged.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/h"), credentialId: inHeader));
        // A failure retried by the worker first (more log lines), then a success.
        receiver.Script(new LoopbackReceiver.Reply(503), new LoopbackReceiver.Reply(200));

        Assert.False((await logged.SendTestAsync(queryAlert.Id))!.Delivered);
        Assert.Equal(1, await logged.Worker.SendDueAsync());
        Assert.True((await logged.SendTestAsync(headerAlert.Id))!.Delivered);

        Assert.Equal(2, receiver.Requests.Count(r => r.Query.Contains($"query-{unique}")));
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
    public async Task A_Standard_Webhooks_signature_covers_the_deliverys_webhook_id_and_each_attempts_timestamp()
    {
        await using var scheduled = await ScheduledAsync();
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var credential = (await scheduled.Credentials.CreateAsync(new CredentialInput
        {
            Name = "Standard", Type = CredentialType.HmacSignature, Format = HmacFormat.StandardWebhooks,
            Secret = "whsec_" + Convert.ToBase64String(key),
        })).Id;
        var saved = await scheduled.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("standard"), credentialId: credential));
        Assert.True(saved.Succeeded, string.Join("; ", saved.Errors?.SelectMany(e => e.Value) ?? []));
        receiver.Script(new LoopbackReceiver.Reply(503));

        var outcome = (await scheduled.SendTestAsync(saved.Id))!;
        outcome = await scheduled.NextAttemptAsync(outcome);

        Assert.True(outcome.Delivered);
        var requests = receiver.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        var times = outcome.View.Attempts.Select(a => new DateTimeOffset(DateTime.SpecifyKind(a.AttemptedAtUtc, DateTimeKind.Utc)).ToUnixTimeSeconds()).ToArray();
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            Assert.Equal(outcome.View.WebhookId, request.Headers["webhook-id"]);
            Assert.Equal(times[i].ToString(System.Globalization.CultureInfo.InvariantCulture), request.Headers["webhook-timestamp"]);
            var signed = System.Text.Encoding.UTF8.GetBytes($"{request.Headers["webhook-id"]}.{request.Headers["webhook-timestamp"]}.{request.Body}");
            var expected = System.Security.Cryptography.HMACSHA256.HashData(key, signed);
            var signature = request.Headers["webhook-signature"];
            Assert.StartsWith("v1,", signature);
            Assert.True(System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(signature["v1,".Length..])));
        }
        Assert.NotEqual(requests[0].Headers["webhook-timestamp"], requests[1].Headers["webhook-timestamp"]);
        // The log names the signature header and masks its value.
        Assert.All(outcome.View.Attempts, a =>
        {
            Assert.Contains("webhook-signature: ****", a.Headers.Split('\n'));
            Assert.DoesNotContain(requests[0].Headers["webhook-signature"]["v1,".Length..], a.Headers);
        });
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
    public async Task A_503_is_attempted_again_when_the_schedule_says_with_the_same_webhook_id_until_it_succeeds()
    {
        await using var scheduled = await ScheduledAsync();
        var alert = await AlertAsync(scheduled, receiver.Url("flaky"));
        receiver.Script(new LoopbackReceiver.Reply(503), new LoopbackReceiver.Reply(503), new LoopbackReceiver.Reply(200));

        var outcome = (await scheduled.SendTestAsync(alert))!;

        // Send test makes one attempt; the delivery waits for the schedule's first step (5s, jitter ±10 %).
        Assert.Equal((DeliveryStatus.Pending, 503, 1), (outcome.View.Status, outcome.StatusCode, outcome.Attempts));
        var due = outcome.View.NextAttemptAtUtc!.Value;
        Assert.InRange(due - outcome.View.LastAttemptAtUtc!.Value, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(5.5));
        scheduled.Clock.Advance(due - scheduled.Clock.GetUtcNow().UtcDateTime - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, await scheduled.Worker.SendDueAsync()); // not due yet
        Assert.Single(receiver.Requests);

        outcome = await scheduled.NextAttemptAsync(outcome);
        Assert.Equal((DeliveryStatus.Pending, 503, 2), (outcome.View.Status, outcome.StatusCode, outcome.Attempts));
        Assert.InRange(outcome.View.NextAttemptAtUtc!.Value - outcome.View.LastAttemptAtUtc!.Value, TimeSpan.FromMinutes(4.5), TimeSpan.FromMinutes(5.5));

        outcome = await scheduled.NextAttemptAsync(outcome);
        Assert.Equal((true, 200, 3), (outcome.Delivered, outcome.StatusCode, outcome.Attempts));
        Assert.Null(outcome.View.NextAttemptAtUtc);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
        // Each attempt's time, in its own header and in the log.
        Assert.Equal(3, receiver.Requests.Select(r => r.Headers["webhook-timestamp"]).Distinct().Count());
        Assert.Equal(3, outcome.View.Attempts.Count);
    }

    [Fact]
    public async Task Gives_up_after_the_last_step_of_the_schedule_as_Webhook_Dispatch_Failed()
    {
        await using var scheduled = await ScheduledAsync("5s,5m");
        var alert = await AlertAsync(scheduled, receiver.Url("down"));
        receiver.Script(Enumerable.Repeat(new LoopbackReceiver.Reply(500), 5).ToArray());

        var outcome = (await scheduled.SendTestAsync(alert))!;
        outcome = await scheduled.NextAttemptAsync(outcome);
        outcome = await scheduled.NextAttemptAsync(outcome);

        Assert.Equal((DeliveryStatus.Failed, 500, 3), (outcome.View.Status, outcome.StatusCode, outcome.Attempts));
        Assert.Equal("Webhook Dispatch Failed", outcome.View.Status.Label());
        Assert.Null(outcome.View.NextAttemptAtUtc);
        scheduled.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await scheduled.Worker.SendDueAsync());
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Does_not_retry_a_400()
    {
        await using var scheduled = await ScheduledAsync();
        var alert = await AlertAsync(scheduled, receiver.Url("bad"));
        receiver.Script(new LoopbackReceiver.Reply(400));

        var outcome = (await scheduled.SendTestAsync(alert))!;

        Assert.Equal((DeliveryStatus.Failed, 400, 1), (outcome.View.Status, outcome.StatusCode, outcome.Attempts));
        scheduled.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await scheduled.Worker.SendDueAsync());
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Honours_retry_after_on_429_when_it_asks_for_longer_than_the_schedule()
    {
        await using var scheduled = await ScheduledAsync();
        var alert = await AlertAsync(scheduled, receiver.Url("busy"));
        receiver.Script(new LoopbackReceiver.Reply(429, RetryAfter: "120"));

        var outcome = (await scheduled.SendTestAsync(alert))!;

        Assert.Equal((DeliveryStatus.Pending, 429, 1), (outcome.View.Status, outcome.StatusCode, outcome.Attempts));
        Assert.Equal(TimeSpan.FromSeconds(120), outcome.View.NextAttemptAtUtc!.Value - outcome.View.LastAttemptAtUtc!.Value);
        scheduled.Clock.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(0, await scheduled.Worker.SendDueAsync());

        outcome = await scheduled.NextAttemptAsync(outcome);

        Assert.Equal((true, 2), (outcome.Delivered, outcome.Attempts));
        Assert.Equal(2, receiver.Requests.Count);
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
    public async Task Each_attempt_times_out_after_the_configured_seconds_and_the_next_is_scheduled()
    {
        // Read when the webhook client's pipeline is built, at this test's first send.
        database.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebhookOptions>>().CurrentValue.TimeoutSeconds = 1;
        var alert = await AlertAsync("slow");
        receiver.Script(new LoopbackReceiver.Reply(200, Delay: TimeSpan.FromSeconds(4)));

        var outcome = await database.SendTestAsync(alert);

        Assert.Equal((false, DeliveryStatus.Pending, 1), (outcome!.Delivered, outcome.View.Status, outcome.Attempts));
        Assert.Equal("No response within 1 s.", outcome.Error);
        Assert.NotNull(outcome.View.NextAttemptAtUtc);
        // One 1 s attempt: far below the 4 s the receiver would have taken.
        Assert.InRange(Assert.Single(outcome.View.Attempts).DurationMs, 900, 3000);
    }

    [Fact]
    public async Task A_connection_error_is_reported_and_attempted_again_on_schedule()
    {
        // A port bound but never listening: a connection to it is refused, and no test running beside this one can take
        // it (a receiver's port, once closed, could be).
        using var closed = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        closed.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var alert = await AlertAsync(database, new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)closed.LocalEndPoint!).Port}/gone"));

        var outcome = await database.SendTestAsync(alert);

        Assert.False(outcome!.Delivered);
        Assert.Null(outcome.StatusCode);
        Assert.Equal((DeliveryStatus.Pending, 1), (outcome.View.Status, outcome.Attempts));
        Assert.NotNull(outcome.View.NextAttemptAtUtc);
        Assert.Contains("refused", outcome.Error, StringComparison.OrdinalIgnoreCase);
    }
}
