using CredentialPortal.Features.Delivery;
using Microsoft.EntityFrameworkCore;
using Reply = CredentialPortal.Tests.Infrastructure.LoopbackReceiver.Reply;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class DeliveryPruneTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync();

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [Fact]
    public async Task Finished_deliveries_past_the_retention_period_go_with_their_attempts_and_nothing_else_does()
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(new Reply(500), new Reply(200), new Reply(404));
        var delivered = await bed.FireAsync(alert);
        await bed.SendDueAsync();
        await bed.AdvanceToDueAsync(delivered);
        await bed.SendDueAsync();
        var failed = await bed.FireAsync(alert);
        await bed.SendDueAsync();
        var waiting = await bed.FireAsync(alert);
        await using (var db = await bed.Database.CreateDbContextAsync())
        {
            // Still pending a month later (a receiver parked it); old, but not finished.
            await db.Deliveries.Where(d => d.PublicId == waiting).ExecuteUpdateAsync(s => s.SetProperty(d => d.DueAtUtc, bed.Now.AddDays(40)));
        }
        bed.Database.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(10));
        var recent = await bed.FireAsync(alert);
        await bed.SendDueAsync();

        Assert.Equal(0, await bed.Database.Queue.PruneAsync());
        bed.Database.Clock.Advance(TimeSpan.FromSeconds(11)); // 30 days and a second after the last of the two finished
        Assert.Equal(2, await bed.Database.Queue.PruneAsync());

        await using var check = await bed.Database.CreateDbContextAsync();
        Assert.Equal(new[] { waiting, recent }.Order(), (await check.Deliveries.Select(d => d.PublicId).ToListAsync()).Order());
        var attempts = await check.Set<DeliveryAttempt>().Select(a => a.DeliveryId).ToListAsync();
        Assert.Equal((await bed.RowAsync(recent)).Id, Assert.Single(attempts));
    }

    [Fact]
    public async Task A_replayed_delivery_is_kept_for_the_retention_period_after_its_replay()
    {
        var alert = await bed.AlertAsync();
        var id = await bed.FireAsync(alert);
        await bed.SendDueAsync();
        bed.Database.Clock.Advance(TimeSpan.FromDays(29));
        await bed.Database.Deliveries.ReplayAsync(id);
        await bed.SendDueAsync();
        bed.Database.Clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal(0, await bed.Database.Queue.PruneAsync());
        bed.Database.Clock.Advance(TimeSpan.FromDays(28) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await bed.Database.Queue.PruneAsync());
    }
}
