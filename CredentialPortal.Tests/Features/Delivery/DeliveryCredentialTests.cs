using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Features.Credentials;
using Microsoft.EntityFrameworkCore;
using Reply = CredentialPortal.Tests.Infrastructure.LoopbackReceiver.Reply;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>The credential is resolved at each attempt: what changed between two attempts applies to the second.</summary>
public sealed class DeliveryCredentialTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync();

    public async Task DisposeAsync() => await bed.DisposeAsync();

    private static string Wire(string clientId, string secret) =>
        new ResolvedCredential(CredentialType.ClientIdAndSecret, "clientid", CredentialLocation.Header, clientId, secret).WireValue;

    [Fact]
    public async Task An_edit_between_two_attempts_applies_to_the_next_one()
    {
        var credential = (await bed.Database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret(clientId: "link", secret: "epona"))).Id;
        var alert = await bed.AlertAsync(credentialId: credential);
        bed.Receiver.Script(new Reply(503), new Reply(200));
        var id = await bed.FireAsync(alert);
        await bed.SendDueAsync();

        var edit = (await bed.Database.Credentials.GetForEditAsync(credential))!.ToInput();
        edit.ClientId = "zelda";
        edit.Secret = "triforce";
        Assert.Equal(SaveStatus.Saved, (await bed.Database.Credentials.UpdateAsync(credential, edit)).Status);
        await bed.AdvanceToDueAsync(id);
        await bed.SendDueAsync();

        var requests = bed.Receiver.Requests.ToArray();
        Assert.Equal([Wire("link", "epona"), Wire("zelda", "triforce")], requests.Select(r => r.Headers["clientid"]));
        Assert.Equal(DeliveryStatus.Delivered, (await bed.RowAsync(id)).Status);
    }

    [Fact]
    public async Task A_credential_deleted_between_two_attempts_leaves_the_next_one_without_auth()
    {
        var credential = (await bed.Database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret(clientId: "link", secret: "epona"))).Id;
        var alert = await bed.AlertAsync(credentialId: credential);
        bed.Receiver.Script(new Reply(500), new Reply(200));
        var id = await bed.FireAsync(alert);
        await bed.SendDueAsync();

        Assert.True(await bed.Database.Credentials.DeleteAsync(credential));
        await bed.AdvanceToDueAsync(id);
        await bed.SendDueAsync();

        var requests = bed.Receiver.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.True(requests[0].Headers.ContainsKey("clientid"));
        Assert.False(requests[1].Headers.ContainsKey("clientid"));
        var row = await bed.RowAsync(id);
        Assert.Equal(DeliveryStatus.Delivered, row.Status);
        Assert.Contains("clientid: ****", row.Attempts[0].Headers);
        Assert.DoesNotContain("clientid", row.Attempts[1].Headers);
        var overview = (await bed.Database.Alerts.GetOverviewAsync(alert))!;
        Assert.Contains("No Auth", overview.Auth.Summary);
    }

    [Fact]
    public async Task A_delivery_whose_credential_cannot_be_decrypted_does_not_keep_its_batch_from_being_recorded()
    {
        var credential = (await bed.Database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret(clientId: "link", secret: "epona"))).Id;
        var broken = await bed.AlertAsync("hooks/broken", credential, "Broken");
        var fine = await bed.AlertAsync("hooks/fine", name: "Fine");
        await using (var db = await bed.Database.CreateDbContextAsync())
        {
            // A secret that no longer decrypts (a key ring replaced, a row restored from elsewhere).
            await db.Credentials.Where(c => c.Id == credential).ExecuteUpdateAsync(s => s.SetProperty(c => c.ProtectedSecret, "CfDJ8garbage"));
        }
        var brokenId = await bed.FireAsync(broken);
        var fineId = await bed.FireAsync(fine);

        Assert.Equal(2, await bed.SendDueAsync());

        Assert.Equal(DeliveryStatus.Delivered, (await bed.RowAsync(fineId)).Status);
        var retrying = await bed.RowAsync(brokenId);
        Assert.Equal((DeliveryStatus.Pending, 1, null), (retrying.Status, retrying.ScheduleStep, retrying.LeaseId));
        Assert.Contains("could not make the attempt", Assert.Single(retrying.Attempts).Error);
        Assert.Equal("/hooks/fine", Assert.Single(bed.Receiver.Requests).Path);
    }
}
