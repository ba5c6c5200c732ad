using CredentialPortal.Features.Delivery;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class DeliveryQueueClaimTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync();

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [Fact]
    public async Task A_claim_takes_due_rows_oldest_first_up_to_its_size_and_holds_them_with_a_lease()
    {
        var alert = await bed.AlertAsync();
        var first = await bed.FireAsync(alert);
        bed.Database.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = await bed.FireAsync(alert);
        bed.Database.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var third = await bed.FireAsync(alert);

        var claimed = await bed.Database.Queue.ClaimAsync(2);

        // Compared as sets: ids made within one millisecond (version 7) need not sort in the order they were made.
        Assert.Equal(new[] { first, second }.Order(), claimed.Select(d => d.PublicId).Order());
        var lease = Assert.Single(claimed.Select(d => d.LeaseId).Distinct());
        Assert.NotNull(lease);
        Assert.All(claimed, d => Assert.Equal(alert, d.Alert!.Id));
        foreach (var id in new[] { first, second })
        {
            var row = await bed.RowAsync(id);
            Assert.Equal((DeliveryStatus.Delivering, lease, bed.Now.AddSeconds(60)), (row.Status, row.LeaseId, row.DueAtUtc));
        }
        Assert.Equal(third, Assert.Single(await bed.Database.Queue.ClaimAsync(10)).PublicId);
        Assert.Empty(await bed.Database.Queue.ClaimAsync(10));
    }

    [Fact]
    public async Task A_row_due_later_or_finished_is_not_claimed()
    {
        var alert = await bed.AlertAsync();
        var later = await bed.FireAsync(alert);
        var done = await bed.FireAsync(alert);
        await using (var db = await bed.Database.CreateDbContextAsync())
        {
            await db.Deliveries.Where(d => d.PublicId == later).ExecuteUpdateAsync(s => s.SetProperty(d => d.DueAtUtc, bed.Now.AddSeconds(5)));
        }
        Assert.Equal(done, Assert.Single(await bed.Database.Queue.ClaimAsync(10)).PublicId);
        Assert.Equal(0, await bed.Database.Worker.SendDueAsync()); // the claimed one is held, the other not due
        await using (var db = await bed.Database.CreateDbContextAsync())
        {
            await db.Deliveries.Where(d => d.PublicId == done).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Delivered).SetProperty(d => d.DueAtUtc, bed.Now.AddDays(-1)));
        }

        Assert.Empty(await bed.Database.Queue.ClaimAsync(10));
        bed.Database.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(later, Assert.Single(await bed.Database.Queue.ClaimAsync(10)).PublicId);
    }

    [Fact]
    public async Task Workers_claiming_at_once_never_take_the_same_row()
    {
        var alert = await bed.AlertAsync();
        var fired = new HashSet<Guid>();
        for (var i = 0; i < 200; i++)
        {
            fired.Add(await bed.FireAsync(alert));
        }

        async Task<List<Guid>> WorkerAsync()
        {
            var taken = new List<Guid>();
            IReadOnlyList<WebhookDelivery> batch;
            do
            {
                await Task.Yield();
                batch = await bed.Database.Queue.ClaimAsync(7);
                taken.AddRange(batch.Select(d => d.PublicId));
            }
            while (batch.Count > 0);
            return taken;
        }
        var workers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(WorkerAsync)));

        var all = workers.SelectMany(w => w).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.True(fired.SetEquals(all));
    }
}
