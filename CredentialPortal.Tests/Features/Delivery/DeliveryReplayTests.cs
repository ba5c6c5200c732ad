using CredentialPortal.Features.Delivery;
using Reply = CredentialPortal.Tests.Infrastructure.LoopbackReceiver.Reply;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class DeliveryReplayTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync();

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [Fact]
    public async Task A_replay_sends_a_failed_delivery_again_with_the_same_webhook_id_on_a_fresh_schedule()
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(new Reply(404), new Reply(500), new Reply(200));
        var id = await bed.FireAsync(alert);
        await bed.SendDueAsync();
        Assert.Equal(DeliveryStatus.Failed, (await bed.RowAsync(id)).Status);
        bed.Database.Clock.Advance(TimeSpan.FromHours(1));

        var replay = await bed.Database.Deliveries.ReplayAsync(id);

        Assert.Equal((DeliveryCommandStatus.Accepted, id), (replay.Status, Assert.Single(replay.DeliveryIds)));
        var requeued = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Pending, 0, bed.Now, null), (requeued.Status, requeued.ScheduleStep, requeued.DueAtUtc, requeued.CompletedAtUtc));
        Assert.Equal(1, await bed.SendDueAsync());
        // The first step of the schedule again, not the second.
        var retrying = await bed.RowAsync(id);
        Assert.InRange(retrying.DueAtUtc - bed.Now, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(5.5));
        await bed.AdvanceToDueAsync(id);
        Assert.Equal(1, await bed.SendDueAsync());

        var delivered = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Delivered, 3), (delivered.Status, delivered.AttemptCount));
        Assert.Equal([404, 500, 200], delivered.Attempts.Select(a => a.StatusCode));
        Assert.Equal(3, bed.Receiver.Requests.Count);
        Assert.All(bed.Receiver.Requests, r => Assert.Equal(delivered.WebhookId, r.Headers["webhook-id"]));
        Assert.Single(bed.Receiver.Requests.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task A_delivered_delivery_can_be_replayed_but_not_one_still_being_sent()
    {
        var alert = await bed.AlertAsync();
        var id = await bed.FireAsync(alert);

        var early = await bed.Database.Deliveries.ReplayAsync(id);
        Assert.Equal(DeliveryCommandStatus.Conflict, early.Status);
        await bed.SendDueAsync();
        Assert.Equal(DeliveryCommandStatus.Accepted, (await bed.Database.Deliveries.ReplayAsync(id)).Status);
        Assert.Equal(DeliveryCommandStatus.Conflict, (await bed.Database.Deliveries.ReplayAsync(id)).Status);
        Assert.Equal(1, await bed.SendDueAsync());

        Assert.Equal((DeliveryStatus.Delivered, 2), ((await bed.RowAsync(id)).Status, (await bed.RowAsync(id)).AttemptCount));
        Assert.Equal(DeliveryCommandStatus.NotFound, (await bed.Database.Deliveries.ReplayAsync(Guid.NewGuid())).Status);
    }

    [Fact]
    public async Task Replay_all_failed_since_requeues_only_the_alerts_failures_from_that_time()
    {
        var alert = await bed.AlertAsync();
        var other = await bed.AlertAsync("hooks/other", name: "Other");
        bed.Receiver.Script(new Reply(400));
        var before = await bed.FireAsync(alert);
        await bed.SendDueAsync();
        bed.Database.Clock.Advance(TimeSpan.FromMinutes(10));
        var since = bed.Now;
        bed.Receiver.Script(new Reply(400), new Reply(400), new Reply(400));
        var failedA = await bed.FireAsync(alert);
        var failedB = await bed.FireAsync(alert);
        var otherFailed = await bed.FireAsync(other);
        await bed.SendDueAsync();
        var delivered = await bed.FireAsync(alert);
        var pending = await bed.FireAsync(alert);
        await bed.Database.Queue.ClaimAsync(1); // one of the two is held by a lease, the other is delivered
        await bed.SendDueAsync();

        var replay = await bed.Database.Deliveries.ReplayFailedSinceAsync(alert, since);

        Assert.Equal(DeliveryCommandStatus.Accepted, replay.Status);
        Assert.Equal(new[] { failedA, failedB }.Order(), replay.DeliveryIds.Order());
        Assert.Equal(DeliveryStatus.Failed, (await bed.RowAsync(before)).Status);
        Assert.Equal(DeliveryStatus.Failed, (await bed.RowAsync(otherFailed)).Status);
        Assert.Equal(DeliveryStatus.Pending, (await bed.RowAsync(failedA)).Status);
        Assert.NotEqual(DeliveryStatus.Failed, (await bed.RowAsync(delivered)).Status);
        Assert.NotEqual(DeliveryStatus.Failed, (await bed.RowAsync(pending)).Status);
        Assert.Equal(2, await bed.SendDueAsync());
        Assert.Equal(DeliveryStatus.Delivered, (await bed.RowAsync(failedB)).Status);
    }
}
