using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Features.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Reply = CredentialPortal.Tests.Infrastructure.LoopbackReceiver.Reply;

namespace CredentialPortal.Tests.Features.Audit;

public sealed class ReplayAuditTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync();

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [Fact]
    public async Task Each_replayed_delivery_is_recorded_with_who_replayed_it_and_a_refused_replay_is_not()
    {
        var alert = await bed.AlertAsync(name: "CPU high");
        bed.Receiver.Script(new Reply(404), new Reply(404));
        var first = await bed.FireAsync(alert);
        var second = await bed.FireAsync(alert);
        await bed.SendDueAsync();
        var before = bed.Now;

        using (bed.Database.Services.GetRequiredService<ActorAccessor>().Use(new Actor("ops@example.com", PortalRoles.Editor)))
        {
            Assert.Equal(DeliveryCommandStatus.Accepted, (await bed.Database.Deliveries.ReplayAsync(first)).Status);
            Assert.Equal(DeliveryCommandStatus.Conflict, (await bed.Database.Deliveries.ReplayAsync(first)).Status); // pending again
            Assert.Equal(DeliveryCommandStatus.Accepted, (await bed.Database.Deliveries.ReplayFailedSinceAsync(alert, before.AddHours(-1))).Status);
        }

        var entries = (await AuditLog.ReadAsync(bed.Database)).Where(e => e.Entry.ObjectType == "delivery").ToList();
        Assert.Equal([first.ToString(), second.ToString()], entries.Select(e => e.Entry.ObjectId));
        Assert.All(entries, e => Assert.Equal(("delivery.replayed", "ops@example.com", "CPU high"), (e.Entry.Action, e.Entry.Actor, e.Entry.ObjectName)));
    }
}
