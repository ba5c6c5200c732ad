using System.Security.Cryptography;
using System.Text;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using Reply = CredentialPortal.Tests.Infrastructure.LoopbackReceiver.Reply;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class DeliverySignatureTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync();

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [Fact]
    public async Task Every_attempt_and_replay_carries_the_same_webhook_id_and_a_standard_webhooks_signature_over_it()
    {
        var secret = CredentialRules.NewStandardWebhooksSecret();
        var credential = (await bed.Database.Credentials.CreateAsync(new CredentialInput
        {
            Name = "Signed", Type = CredentialType.HmacSignature, Format = HmacFormat.StandardWebhooks, Secret = secret,
        })).Id;
        var alert = await bed.AlertAsync(credentialId: credential);
        bed.Receiver.Script(new Reply(500), new Reply(200), new Reply(200));
        var id = await bed.FireAsync(alert);
        await bed.SendDueAsync();
        await bed.AdvanceToDueAsync(id);
        await bed.SendDueAsync();
        bed.Database.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(DeliveryCommandStatus.Accepted, (await bed.Database.Deliveries.ReplayAsync(id)).Status);
        await bed.SendDueAsync();

        var requests = bed.Receiver.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var webhookId = "msg_" + id.ToString("N");
        foreach (var request in requests)
        {
            Assert.Equal(webhookId, request.Headers["webhook-id"]);
            var timestamp = request.Headers["webhook-timestamp"];
            var signed = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.{request.Body}"));
            Assert.Equal("v1," + Convert.ToBase64String(signed), request.Headers["webhook-signature"]);
        }
        // Each attempt is signed at its own time, on the clock that moved between them.
        Assert.Equal(3, requests.Select(r => r.Headers["webhook-timestamp"]).Distinct().Count());
        Assert.Equal(bed.Database.Clock.GetUtcNow().ToUnixTimeSeconds(), long.Parse(requests[^1].Headers["webhook-timestamp"]));
        Assert.Single(requests.Select(r => r.Body).Distinct());
        Assert.All((await bed.RowAsync(id)).Attempts, a => Assert.Contains("webhook-signature: ****", a.Headers));
    }

    [Fact]
    public async Task Without_a_signing_credential_every_attempt_still_carries_webhook_id_and_timestamp()
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(new Reply(429), new Reply(200));
        var id = await bed.FireAsync(alert);
        await bed.SendDueAsync();
        await bed.AdvanceToDueAsync(id);
        await bed.SendDueAsync();

        var requests = bed.Receiver.Requests.ToArray();
        Assert.All(requests, r => Assert.Equal("msg_" + id.ToString("N"), r.Headers["webhook-id"]));
        Assert.NotEqual(requests[0].Headers["webhook-timestamp"], requests[1].Headers["webhook-timestamp"]);
        Assert.False(requests[0].Headers.ContainsKey("webhook-signature"));
    }
}
