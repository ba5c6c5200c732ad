using System.Security.Cryptography;
using System.Text;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Features.Delivery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace CredentialPortal.Tests.Features.Credentials.Rotation;

/// <summary>
/// Webhooks really sent to a loopback receiver during and after a rotation's grace window. Standard Webhooks signatures
/// are checked by the official verifier library, which checks the timestamp against the real time: the portal's clock
/// starts at the real time here and moves by less than the library's tolerance.
/// </summary>
public sealed class RotationSignatureTests : IAsyncLifetime
{
    private const int GraceSeconds = 60;

    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private DeliveryTestBed bed = default!;

    private CredentialService Credentials => bed.Database.Credentials;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync(services => services.AddSingleton<TimeProvider>(clock));

    public async Task DisposeAsync() => await bed.DisposeAsync();

    /// <summary>Fires the alert, lets the worker send it, and returns what the receiver got.</summary>
    private async Task<Infrastructure.LoopbackReceiver.Received> SendAsync(int alertId)
    {
        var before = bed.Receiver.Requests.Count;
        var result = await bed.Database.Deliveries.FireAsync(alertId, null, null);
        Assert.Single(result.DeliveryIds);
        await bed.SendDueAsync();
        Assert.Equal(before + 1, bed.Receiver.Requests.Count);
        return bed.Receiver.Requests.Last();
    }

    /// <summary>The request's headers for the verifier; <paramref name="signature"/>: as if only that entry had been sent.</summary>
    private static IHeaderDictionary HeadersOf(Infrastructure.LoopbackReceiver.Received request, string? signature = null)
    {
        var headers = new HeaderDictionary(request.Headers.ToDictionary(h => h.Key, h => new StringValues(h.Value), StringComparer.OrdinalIgnoreCase));
        if (signature is not null)
        {
            headers["webhook-signature"] = signature;
        }
        return headers;
    }

    [Fact]
    public async Task Standard_webhooks_carry_both_signatures_during_the_window_and_only_the_new_one_after()
    {
        var oldSecret = CredentialRules.NewStandardWebhooksSecret();
        var credential = (await Credentials.CreateAsync(new CredentialInput
        {
            Name = "Signed", Type = CredentialType.HmacSignature, Format = HmacFormat.StandardWebhooks, Secret = oldSecret,
        })).Id;
        var alert = await bed.AlertAsync(credentialId: credential);

        var rotated = await Credentials.RotateAsync(credential, new RotationInput { Generate = true, GracePeriodSeconds = GraceSeconds });
        var newSecret = rotated.GeneratedSecret!;
        var during = await SendAsync(alert);

        var signatures = during.Headers["webhook-signature"].Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.All(signatures, s => Assert.StartsWith("v1,", s));
        // The newest first.
        var signed = $"{during.Headers["webhook-id"]}.{during.Headers["webhook-timestamp"]}.{during.Body}";
        Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData(CredentialRules.StandardWebhooksKey(newSecret)!, Encoding.UTF8.GetBytes(signed))),
            signatures[0]["v1,".Length..]);
        new StandardWebhook(newSecret).Verify(during.Body, HeadersOf(during));
        // StandardWebhooks 1.1.2 never compares the last of several space-separated signatures (its loop ends before it;
        // the specification's reference implementation checks every one), so the old secret's entry is verified as a
        // receiver given that entry sees it, and by a plain HMAC check in the header as sent.
        new StandardWebhook(oldSecret).Verify(during.Body, HeadersOf(during, signatures[1]));
        Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData(CredentialRules.StandardWebhooksKey(oldSecret)!, Encoding.UTF8.GetBytes(signed))),
            signatures[1]["v1,".Length..]);

        // The window ends by the sender's clock alone: no timer, nothing rewritten.
        clock.Advance(TimeSpan.FromSeconds(GraceSeconds));
        var after = await SendAsync(alert);

        Assert.DoesNotContain(' ', after.Headers["webhook-signature"]);
        new StandardWebhook(newSecret).Verify(after.Body, HeadersOf(after));
        var refused = Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(oldSecret).Verify(after.Body, HeadersOf(after)));
        Assert.Contains("No matching signature", refused.Message);
    }

    [Fact]
    public async Task Timestamp_signature_key_carries_one_v1_per_secret_newest_first_each_with_its_key_id()
    {
        const string oldSecret = "old-hmac-secret-0123456789abcdef";
        var credential = (await Credentials.CreateAsync(new CredentialInput
        {
            Name = "Signed", Type = CredentialType.HmacSignature, Format = HmacFormat.TimestampSignatureKey, FieldName = "X-Signature",
            ClientId = "k1", Secret = oldSecret,
        })).Id;
        var alert = await bed.AlertAsync(credentialId: credential);

        var rotated = await Credentials.RotateAsync(credential, new RotationInput { Generate = true, KeyId = "k2", GracePeriodSeconds = GraceSeconds });
        var newSecret = rotated.GeneratedSecret!;
        var during = await SendAsync(alert);

        var parts = Parts(during.Headers["X-Signature"]);
        var t = during.Headers["webhook-timestamp"];
        Assert.Equal(
            [("t", t), ("v1", Hmac(newSecret, t, during.Body)), ("key", "k2"), ("v1", Hmac(oldSecret, t, during.Body)), ("key", "k1")],
            parts);

        clock.Advance(TimeSpan.FromSeconds(GraceSeconds));
        var after = await SendAsync(alert);

        var t2 = Parts(after.Headers["X-Signature"])[0].Value;
        Assert.Equal([("t", t2), ("v1", Hmac(newSecret, t2, after.Body)), ("key", "k2")], Parts(after.Headers["X-Signature"]));
    }

    [Fact]
    public async Task A_header_credential_sends_the_new_value_on_the_next_attempt_after_a_rotation()
    {
        var credential = (await Credentials.CreateAsync(new CredentialInput
        {
            Name = "Bearer", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "old-bearer-token-0123",
        })).Id;
        var alert = await bed.AlertAsync(credentialId: credential);
        Assert.Equal("Bearer old-bearer-token-0123", (await SendAsync(alert)).Headers["Authorization"]);

        Assert.True((await Credentials.RotateAsync(credential, new RotationInput { Secret = "new-bearer-token-4567" })).Succeeded);

        Assert.Equal("Bearer new-bearer-token-4567", (await SendAsync(alert)).Headers["Authorization"]);
    }

    /// <summary>A t=,v1=,key= credential (key k1) with its alert, rotated to a generated secret under key k2, the window open.</summary>
    private async Task<(int Credential, int Alert)> RotatedInWindowAsync()
    {
        var credential = (await Credentials.CreateAsync(new CredentialInput
        {
            Name = "Signed", Type = CredentialType.HmacSignature, Format = HmacFormat.TimestampSignatureKey, FieldName = "X-Signature",
            ClientId = "k1", Secret = "old-hmac-secret-0123456789abcdef",
        })).Id;
        var alert = await bed.AlertAsync(credentialId: credential);
        Assert.True((await Credentials.RotateAsync(credential, new RotationInput { Generate = true, KeyId = "k2", GracePeriodSeconds = GraceSeconds })).Succeeded);
        return (credential, alert);
    }

    [Fact]
    public async Task An_edit_that_replaces_the_secret_during_the_window_signs_with_the_edits_secret_alone()
    {
        var (credential, alert) = await RotatedInWindowAsync();

        var rename = (await Credentials.GetForEditAsync(credential))!.ToInput();
        rename.Name = "Signed (renamed)";
        Assert.True((await Credentials.UpdateAsync(credential, rename)).Succeeded);
        Assert.True((await Credentials.GetRotationAsync(credential))!.GraceOpen); // a rename leaves the window open

        var edit = (await Credentials.GetForEditAsync(credential))!.ToInput();
        edit.Secret = "edited-hmac-secret-fedcba9876543210";
        Assert.True((await Credentials.UpdateAsync(credential, edit)).Succeeded);
        var sent = await SendAsync(alert);

        // Not the secret from before the rotation beside it: the edit replaced what the window was for.
        var t = sent.Headers["webhook-timestamp"];
        Assert.Equal([("t", t), ("v1", Hmac("edited-hmac-secret-fedcba9876543210", t, sent.Body)), ("key", "k2")], Parts(sent.Headers["X-Signature"]));
        Assert.False((await Credentials.GetRotationAsync(credential))!.GraceOpen);
        Assert.False((await Credentials.RollBackAsync(credential)).Succeeded); // nothing older than the edit comes back
    }

    [Fact]
    public async Task A_switch_to_standard_webhooks_during_the_window_is_delivered_signed_with_the_new_secret()
    {
        var (credential, alert) = await RotatedInWindowAsync();

        var edit = (await Credentials.GetForEditAsync(credential))!.ToInput();
        var secret = CredentialRules.NewStandardWebhooksSecret();
        (edit.Format, edit.Secret) = (HmacFormat.StandardWebhooks, secret);
        Assert.True((await Credentials.UpdateAsync(credential, edit)).Succeeded);
        var sent = await SendAsync(alert);

        new StandardWebhook(secret).Verify(sent.Body, HeadersOf(sent));
        Assert.Single(sent.Headers["webhook-signature"].Split(' '));
    }

    private static List<(string Name, string Value)> Parts(string header) =>
        [.. header.Split(',').Select(p => p.Split('=', 2)).Select(p => (p[0], p[1]))];

    private static string Hmac(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
