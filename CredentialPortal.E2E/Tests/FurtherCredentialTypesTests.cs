using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// Bearer Token, Basic Auth and HMAC Signature credentials made in the browser, each attached to
/// an alert webhook and sent by Send test to a receiver that checks them as the peer systems would; deleting one turns
/// its webhook into No Auth. OAuth 2.0, whose receiver also needs a token endpoint, is in <see cref="OAuthCredentialTests"/>.
/// </summary>
public sealed class FurtherCredentialTypesTests(BrowserFixture browser) : PortalTest(browser)
{
    private const string Token = "api_key_12345";

    /// <summary>The documented example: webhook_user / secure_password_123.</summary>
    private const string BasicAuthorization = "Basic d2ViaG9va191c2VyOnNlY3VyZV9wYXNzd29yZF8xMjM=";

    private const string HmacSecret = "typed-hmac-secret-Zq81";

    /// <summary>How far a receiver lets a signature's timestamp be from its own clock (Standard Webhooks suggests 5 minutes).</summary>
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Bearer_and_basic_auth_reach_the_receiver_the_token_never_comes_back_and_a_deleted_one_leaves_no_auth()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var shell = new AppShell(Page);
        var credentials = await LogInAndOpenCredentialsAsync();

        // Bearer Token in Authorization (the default header name).
        var form = await credentials.NewCredentialAsync();
        await form.Name.FillAsync("Orders bearer");
        await form.ChooseTypeAsync("Bearer Token");
        await Expect(form.Token).ToBeVisibleAsync();
        await Expect(form.HeaderName).ToHaveValueAsync("Authorization");
        await Expect(form.Secret).ToHaveCountAsync(0);
        await Expect(form.Location).ToHaveCountAsync(0);
        await form.Token.FillAsync(Token);
        await form.SaveAsync();
        await credentials.ExpectOpenAsync();

        // Bearer Token in another header: the bare token.
        form = await credentials.NewCredentialAsync();
        await form.Name.FillAsync("Orders API key");
        await form.ChooseTypeAsync("Bearer Token");
        await form.HeaderName.FillAsync("X-API-Key");
        await form.Token.FillAsync(Token);
        await form.SaveAsync();
        await credentials.ExpectOpenAsync();

        // Basic Auth: Username and Password, no header name to choose.
        form = await credentials.NewCredentialAsync();
        await form.Name.FillAsync("Orders basic");
        await form.ChooseTypeAsync("Basic Auth");
        await Expect(form.HeaderName).ToHaveCountAsync(0);
        await form.Username.FillAsync("webhook_user");
        await form.Password.FillAsync("secure_password_123");
        await form.SaveAsync();
        await credentials.ExpectOpenAsync();

        await Expect(credentials.Rows).ToHaveCountAsync(3);
        await Expect(credentials.Cells("Orders bearer").Nth(1)).ToHaveTextAsync("Bearer Token");
        await Expect(credentials.Cells("Orders API key").Nth(1)).ToHaveTextAsync("Bearer Token");
        await Expect(credentials.Cells("Orders basic").Nth(1)).ToHaveTextAsync("Basic Auth");

        // One alert through the form, its Credential chosen in the browser; two more through the app's service.
        var alerts = await shell.OpenRuntimeAlertsAsync();
        var alertForm = await alerts.NewAlertAsync();
        await alertForm.Name.FillAsync("Orders bearer hook");
        await alertForm.NextAsync("CONDITIONS");
        await alertForm.SetConditionAsync("CPU usage (%)", ">", "90", "5 min");
        await alertForm.NextAsync("ACTIONS");
        await alertForm.EnableWebhookAsync(receiver.Url("/hooks/bearer"));
        await alertForm.OpenCredentialChoicesAsync();
        await Expect(alertForm.Options.Filter(new() { HasText = "Orders basic" })).ToContainTextAsync("Basic Auth · modified");
        await Page.Keyboard.PressAsync("Escape");
        await alertForm.ChooseCredentialAsync("Orders bearer");
        var overview = await alertForm.SaveAsync("Orders bearer hook");
        await Expect(overview.Auth).ToContainTextAsync("Orders bearer (Bearer Token)");
        await Expect(overview.Auth).ToContainTextAsync(new Regex(@"header\s+Authorization"));

        var outcome = await overview.SendTestAsync();
        await Expect(outcome).ToContainTextAsync("Delivered");
        var bearer = (await receiver.WaitForRequestsAsync(1))[0];
        Assert.Equal("/hooks/bearer", bearer.Path);
        Assert.Equal($"Bearer {Token}", bearer.Header("Authorization"));
        await Expect(await overview.ShowAttemptsAsync(0)).ToContainTextAsync("Authorization: ****");
        await Expect(overview.DeliveryLog).Not.ToContainTextAsync(Token);

        await CreateAlertAsync("Orders API key hook", receiver.Url("/hooks/api-key"), "Orders API key");
        overview = await OpenAlertAsync(shell, "Orders API key hook");
        await Expect(overview.Auth).ToContainTextAsync("Orders API key (Bearer Token)");
        await Expect(overview.Auth).ToContainTextAsync(new Regex(@"header\s+X-API-Key"));
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        var apiKey = (await receiver.WaitForRequestsAsync(2))[1];
        Assert.Equal("/hooks/api-key", apiKey.Path);
        Assert.Equal(Token, apiKey.Header("X-API-Key"));
        Assert.Null(apiKey.Header("Authorization"));

        await CreateAlertAsync("Orders basic hook", receiver.Url("/hooks/basic"), "Orders basic");
        overview = await OpenAlertAsync(shell, "Orders basic hook");
        await Expect(overview.Auth).ToContainTextAsync("Orders basic (Basic Auth)");
        await Expect(overview.Auth).ToContainTextAsync(new Regex(@"header\s+Authorization"));
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        var basic = (await receiver.WaitForRequestsAsync(3))[2];
        Assert.Equal("/hooks/basic", basic.Path);
        Assert.Equal(BasicAuthorization, basic.Header("Authorization"));
        await Expect(overview.DeliveryLog).Not.ToContainTextAsync("d2ViaG9va191c2Vy");

        // Deleting Basic Auth: the dialog lists its alert; the webhook becomes No Auth and carries nothing.
        credentials = await shell.OpenWebhookCredentialsAsync();
        var dialog = await credentials.DeleteAsync("Orders basic");
        await Expect(dialog.ListedAlerts).ToHaveCountAsync(1);
        await Expect(dialog.ListedAlerts).ToContainTextAsync("Orders basic hook");
        await dialog.ConfirmAsync();
        await Expect(credentials.Snackbar("deleted")).ToContainTextAsync("Orders basic");
        await Expect(credentials.Rows).ToHaveCountAsync(2);

        alerts = await shell.OpenRuntimeAlertsAsync();
        await Expect(alerts.Cells("Orders basic hook").Nth(2)).ToHaveTextAsync("No Auth");
        await Expect(alerts.Cells("Orders bearer hook").Nth(2)).ToHaveTextAsync("Orders bearer (Bearer Token)");
        overview = await alerts.OpenAsync("Orders basic hook");
        await Expect(overview.Auth).ToContainTextAsync("No Auth");
        await Expect(overview.Auth).ToContainTextAsync(new Regex("“Orders basic” was deleted on .*UTC"));
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        var afterDelete = (await receiver.WaitForRequestsAsync(4))[3];
        Assert.Equal("/hooks/basic", afterDelete.Path);
        Assert.Null(afterDelete.Header("Authorization"));
        Assert.DoesNotContain(afterDelete.Headers.Values, value => value.Contains("d2ViaG9va191c2Vy", StringComparison.Ordinal));
        Assert.Equal(4, receiver.Requests.Count);

        // The saved Bearer credential's edit page, opened afresh: the token is never sent to the browser.
        var viewer = await NewPageAsync();
        var wire = new WireRecorder(viewer);
        var list = await LogInAndOpenCredentialsAsync(viewer);
        var edit = await list.EditAsync("Orders bearer");
        await Expect(edit.Type).ToBeDisabledAsync();
        await Expect(edit.Type).ToHaveValueAsync("Bearer Token");
        await Expect(edit.HeaderName).ToHaveValueAsync("Authorization");
        await Expect(edit.SavedState("Token")).ToHaveTextAsync(new Regex("ends in …2345$"));
        Assert.DoesNotContain(Token, await viewer.ContentAsync());
        await edit.ReloadAsync();
        await Expect(edit.SavedState("Token")).ToHaveTextAsync(new Regex("ends in …2345$"));
        Assert.DoesNotContain(Token, await viewer.ContentAsync());
        Assert.True(wire.FrameCount > 0, "The circuit's WebSocket frames were not recorded.");
        Assert.True(await wire.SawAsync("Orders bearer"), "The recorder misses what the server sends.");
        Assert.False(await wire.SawAsync(Token), "The saved token was sent to the browser.");
    }

    [Fact]
    public async Task Hmac_signatures_in_both_formats_verify_over_the_exact_body_received()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var shell = new AppShell(Page);
        var credentials = await LogInAndOpenCredentialsAsync();

        // t=,v1=,key= with a typed secret: the default format and header name.
        var form = await credentials.NewCredentialAsync();
        await form.Name.FillAsync("Ledger signed");
        await form.ChooseTypeAsync("HMAC Signature");
        await Expect(form.Format).ToHaveValueAsync("t=,v1=,key=");
        await Expect(form.HeaderName).ToHaveValueAsync("X-Signature");
        await Expect(form.GeneratedSecret).ToHaveCountAsync(0);
        await form.KeyId.FillAsync("key_2024");
        await form.Secret.FillAsync(HmacSecret);
        await form.SaveAsync();
        await credentials.ExpectOpenAsync();

        // Standard Webhooks, chosen first: Header Name and Key ID go, and Generate secret makes a whsec_ secret shown once.
        form = await credentials.NewCredentialAsync();
        await form.Name.FillAsync("Ledger standard");
        await form.ChooseTypeAsync("HMAC Signature");
        await form.ChooseFormatAsync("Standard Webhooks");
        var whsec = await form.GenerateSecretAsync();
        Assert.Matches(@"^whsec_[A-Za-z0-9+/]+={0,2}$", whsec);
        Assert.Equal(32, Convert.FromBase64String(whsec["whsec_".Length..]).Length);
        await Expect(form.Format).ToHaveValueAsync("Standard Webhooks");
        await Expect(form.HeaderName).ToHaveCountAsync(0);
        await Expect(form.KeyId).ToHaveCountAsync(0);
        await Expect(form.Secret).ToHaveValueAsync(whsec);
        await form.SaveAsync();
        await credentials.ExpectOpenAsync();

        await Expect(credentials.Rows).ToHaveCountAsync(2);
        await Expect(credentials.Cells("Ledger signed").Nth(1)).ToHaveTextAsync("HMAC Signature");
        await Expect(credentials.Cells("Ledger standard").Nth(1)).ToHaveTextAsync("HMAC Signature");

        // The Standard Webhooks credential is chosen in the alert form; the other alert comes from the app's service.
        var alerts = await shell.OpenRuntimeAlertsAsync();
        var alertForm = await alerts.NewAlertAsync();
        await alertForm.Name.FillAsync("Ledger standard hook");
        await alertForm.NextAsync("CONDITIONS");
        await alertForm.SetConditionAsync("HTTP error rate (%)", ">", "5", "5 min");
        await alertForm.NextAsync("ACTIONS");
        await alertForm.EnableWebhookAsync(receiver.Url("/hooks/standard"));
        await alertForm.ChooseCredentialAsync("Ledger standard");
        var overview = await alertForm.SaveAsync("Ledger standard hook");
        await Expect(overview.Auth).ToContainTextAsync("Ledger standard (HMAC Signature)");

        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        var standard = (await receiver.WaitForRequestsAsync(1))[0];
        Assert.Equal("/hooks/standard", standard.Path);
        Assert.Contains("Ledger standard hook", standard.Body);
        VerifyStandardWebhooks(standard, whsec);
        Assert.Null(standard.Header("X-Signature"));
        await Expect(await overview.ShowAttemptsAsync(0)).ToContainTextAsync("webhook-signature: ****");

        await CreateAlertAsync("Ledger signed hook", receiver.Url("/hooks/signed"), "Ledger signed");
        overview = await OpenAlertAsync(shell, "Ledger signed hook");
        await Expect(overview.Auth).ToContainTextAsync("Ledger signed (HMAC Signature)");
        await Expect(overview.Auth).ToContainTextAsync(new Regex(@"header\s+X-Signature"));
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        var signed = (await receiver.WaitForRequestsAsync(2))[1];
        Assert.Equal("/hooks/signed", signed.Path);
        Assert.Contains("Ledger signed hook", signed.Body);
        VerifyTimestampSignatureKey(signed, HmacSecret, "key_2024");
        Assert.Null(signed.Header("webhook-signature"));
        await Expect(await overview.ShowAttemptsAsync(0)).ToContainTextAsync("X-Signature: ****");
        await Expect(overview.DeliveryLog).Not.ToContainTextAsync("v1=");
        Assert.Equal(2, receiver.Requests.Count);
    }

    /// <summary>
    /// The documented receiver: X-Signature is t=&lt;unix s&gt;,v1=&lt;lowercase hex HMAC-SHA256(secret, "t.body")&gt;,key=&lt;key id&gt;,
    /// checked over the body's bytes as they arrived, in constant time.
    /// </summary>
    private static void VerifyTimestampSignatureKey(ReceivedRequest request, string secret, string keyId)
    {
        var header = request.Header("X-Signature");
        Assert.NotNull(header);
        var match = Regex.Match(header, "^t=(?<t>[0-9]+),v1=(?<v1>[0-9a-f]{64}),key=(?<key>[^,]+)$");
        Assert.True(match.Success, $"X-Signature is not t=,v1=,key=: {header}");
        Assert.Equal(keyId, match.Groups["key"].Value);
        var timestamp = match.Groups["t"].Value;
        ExpectRecent(timestamp);

        var signed = Concat(Encoding.UTF8.GetBytes(timestamp + "."), request.BodyBytes);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        var received = Convert.FromHexString(match.Groups["v1"].Value);
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, received), "The t=,v1=,key= signature does not verify.");
    }

    /// <summary>
    /// A Standard Webhooks receiver: webhook-signature holds "v1,&lt;base64 HMAC-SHA256(key, "id.timestamp.body")&gt;" (one or more,
    /// space-separated), the key being the Base64-decoded part of the whsec_ secret.
    /// </summary>
    private static void VerifyStandardWebhooks(ReceivedRequest request, string whsec)
    {
        var id = request.Header("webhook-id");
        var timestamp = request.Header("webhook-timestamp");
        var signatures = request.Header("webhook-signature");
        Assert.False(string.IsNullOrEmpty(id), "webhook-id is missing.");
        Assert.NotNull(timestamp);
        Assert.NotNull(signatures);
        Assert.Matches("^[0-9]+$", timestamp);
        ExpectRecent(timestamp);

        var key = Convert.FromBase64String(whsec["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Concat(Encoding.UTF8.GetBytes($"{id}.{timestamp}."), request.BodyBytes));
        var verified = signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(signature => signature.StartsWith("v1,", StringComparison.Ordinal))
            .Any(signature => CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(signature["v1,".Length..])));
        Assert.True(verified, $"No v1 signature verifies: {signatures}");
    }

    private static void ExpectRecent(string unixSeconds)
    {
        var sent = DateTimeOffset.FromUnixTimeSeconds(long.Parse(unixSeconds, CultureInfo.InvariantCulture));
        Assert.InRange(sent, DateTimeOffset.UtcNow - Tolerance, DateTimeOffset.UtcNow + Tolerance);
    }

    private static byte[] Concat(byte[] prefix, byte[] body) => [.. prefix, .. body];
}
