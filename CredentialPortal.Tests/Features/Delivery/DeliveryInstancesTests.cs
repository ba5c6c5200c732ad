using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// Two instances of the portal on one database, as behind a load balancer: two sets of the app's services (each its own
/// queue, worker and connection pool) over the same database and key ring. On PostgreSQL their claims meet in its row
/// locks (FOR UPDATE SKIP LOCKED), on SQLite in its write lock; either way each due row goes to one of them.
/// </summary>
public sealed class DeliveryInstancesTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;
    private ServiceProvider second = default!;

    private DeliveryQueue FirstQueue => bed.Database.Queue;
    private DeliveryQueue SecondQueue => second.GetRequiredService<DeliveryQueue>();

    public async Task InitializeAsync()
    {
        bed = await DeliveryTestBed.StartAsync();
        second = PortalTestDatabase.BuildServices(bed.Database.Folder, bed.Database.Clock);
    }

    public async Task DisposeAsync()
    {
        await second.DisposeAsync();
        await bed.DisposeAsync();
    }

    /// <summary>Fires <paramref name="count"/> times, every other one through the second instance.</summary>
    private async Task<HashSet<Guid>> FireAsync(int alert, int count)
    {
        var fired = new HashSet<Guid>();
        for (var i = 0; i < count; i++)
        {
            var service = i % 2 == 0 ? bed.Database.Deliveries : second.GetRequiredService<DeliveryService>();
            var result = await service.FireAsync(alert, null, null);
            Assert.Equal(DeliveryCommandStatus.Accepted, result.Status);
            fired.Add(Assert.Single(result.DeliveryIds));
        }
        return fired;
    }

    /// <summary>Runs <paramref name="round"/> until it finds nothing, in two loops per instance at once; what each loop got.</summary>
    private static async Task<List<T>[]> DrainAsync<T>(Func<Task<IReadOnlyCollection<T>>> first, Func<Task<IReadOnlyCollection<T>>> second)
    {
        static async Task<List<T>> LoopAsync(Func<Task<IReadOnlyCollection<T>>> round)
        {
            var got = new List<T>();
            IReadOnlyCollection<T> batch;
            do
            {
                await Task.Yield();
                batch = await round();
                got.AddRange(batch);
            }
            while (batch.Count > 0);
            return got;
        }
        return await Task.WhenAll(new[] { first, first, second, second }.Select(round => Task.Run(() => LoopAsync(round))));
    }

    [Fact]
    public async Task Instances_claiming_at_once_never_take_the_same_row()
    {
        var fired = await FireAsync(await bed.AlertAsync(), 300);

        var loops = await DrainAsync<Guid>(
            async () => (await FirstQueue.ClaimAsync(7)).Select(d => d.PublicId).ToList(),
            async () => (await SecondQueue.ClaimAsync(7)).Select(d => d.PublicId).ToList());

        var all = loops.SelectMany(l => l).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.True(fired.SetEquals(all));
    }

    [Fact]
    public async Task Instances_sending_at_once_deliver_every_row_once()
    {
        var fired = await FireAsync(await bed.AlertAsync(), 200);
        var firstWorker = bed.Database.Worker;
        var secondWorker = second.GetRequiredService<DeliveryWorker>();

        // Each round claims a batch, sends it and records it; a round's count stands for the rows it claimed.
        var loops = await DrainAsync<int>(
            async () => Enumerable.Repeat(0, await firstWorker.SendDueAsync()).ToList(),
            async () => Enumerable.Repeat(0, await secondWorker.SendDueAsync()).ToList());

        Assert.Equal(fired.Count, loops.Sum(l => l.Count));
        var sent = bed.Receiver.Requests.Select(r => r.Headers["webhook-id"]).ToList();
        Assert.Equal(fired.Count, sent.Count);
        Assert.True(fired.Select(WebhookDelivery.WebhookIdOf).ToHashSet().SetEquals(sent));
        await using var db = await bed.Database.CreateDbContextAsync();
        Assert.Equal(fired.Count, await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Delivered && d.AttemptCount == 1));
        Assert.Equal(fired.Count, await db.Set<DeliveryAttempt>().CountAsync());
    }

    [Fact]
    public async Task Rows_claimed_by_an_instance_that_died_are_sent_by_the_other_once_their_lease_ends()
    {
        var fired = await FireAsync(await bed.AlertAsync(), 6);
        // The second instance claims everything and dies before sending or recording anything.
        Assert.Equal(6, (await SecondQueue.ClaimAsync(10)).Count);
        await second.DisposeAsync();

        Assert.Equal(0, await bed.SendDueAsync()); // still held by the dead instance's lease
        bed.Database.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(6, await bed.SendDueAsync());

        Assert.True(fired.Select(WebhookDelivery.WebhookIdOf).ToHashSet().SetEquals(bed.Receiver.Requests.Select(r => r.Headers["webhook-id"])));
        Assert.Equal(6, bed.Receiver.Requests.Count);
    }
}
