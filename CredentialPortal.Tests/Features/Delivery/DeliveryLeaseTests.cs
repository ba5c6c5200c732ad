using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class DeliveryLeaseTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync();

    public async Task DisposeAsync() => await bed.DisposeAsync();

    private static AttemptOutcome Answered(int status, DateTime at) => new(new DeliveryAttempt
    {
        AttemptedAtUtc = at, StatusCode = status, Method = "POST", Url = "http://127.0.0.1/hooks", Headers = "",
    }, status is >= 200 and < 300 ? AttemptVerdict.Delivered : AttemptVerdict.Retry);

    [Fact]
    public async Task A_delivery_whose_worker_died_is_taken_over_once_its_lease_ends()
    {
        var alert = await bed.AlertAsync();
        var id = await bed.FireAsync(alert);
        // The worker that claims it dies without recording anything.
        var crashed = Assert.Single(await bed.Database.Queue.ClaimAsync(10));

        bed.Database.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(await bed.Database.Queue.ClaimAsync(10));
        Assert.Equal(0, await bed.SendDueAsync());
        bed.Database.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await bed.SendDueAsync());

        var row = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Delivered, 1, null), (row.Status, row.AttemptCount, row.LeaseId));
        Assert.Equal(crashed.WebhookId, Assert.Single(bed.Receiver.Requests).Headers["webhook-id"]);
    }

    [Fact]
    public async Task A_late_record_of_a_worker_whose_lease_was_taken_over_does_not_overwrite_the_newer_state()
    {
        var alert = await bed.AlertAsync();
        var id = await bed.FireAsync(alert);
        var stale = Assert.Single(await bed.Database.Queue.ClaimAsync(10));
        bed.Database.Clock.Advance(TimeSpan.FromSeconds(60));
        var current = Assert.Single(await bed.Database.Queue.ClaimAsync(10));
        Assert.NotEqual(stale.LeaseId, current.LeaseId);

        // The stale worker's retryable failure comes in while the new one is still sending: the row stays the new lease's.
        await bed.Database.Queue.RecordAsync([(stale, Answered(503, bed.Now))]);
        var held = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Delivering, current.LeaseId, 0), (held.Status, held.LeaseId, held.AttemptCount));
        Assert.Single(held.Attempts); // the attempt happened all the same: the log shows it

        await bed.Database.Queue.RecordAsync([(current, Answered(200, bed.Now))]);
        await bed.Database.Queue.RecordAsync([(stale, Answered(503, bed.Now))]);
        var delivered = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Delivered, 1, 200), (delivered.Status, delivered.AttemptCount, delivered.StatusCode));
        Assert.Equal(3, delivered.Attempts.Count);
        bed.Database.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await bed.Database.Queue.ClaimAsync(10));
    }

    [Fact]
    public async Task A_delivery_deleted_with_its_alert_while_in_flight_does_not_keep_its_batch_from_being_recorded()
    {
        var doomed = await bed.AlertAsync("hooks/doomed", name: "Doomed");
        var kept = await bed.AlertAsync("hooks/kept", name: "Kept");
        await bed.FireAsync(doomed);
        var keptId = await bed.FireAsync(kept);
        var claimed = await bed.Database.Queue.ClaimAsync(10);
        Assert.Equal(2, claimed.Count);

        Assert.True(await bed.Database.Alerts.DeleteAsync(doomed));
        await bed.Database.Queue.RecordAsync(claimed.Select(d => (d, Answered(200, bed.Now))).ToList());

        Assert.Equal(DeliveryStatus.Delivered, (await bed.RowAsync(keptId)).Status);
        await using var db = await bed.Database.CreateDbContextAsync();
        Assert.Equal(1, await db.Set<DeliveryAttempt>().CountAsync());
    }

    [PostgresFact("on SQLite the recording transaction holds the write lock, so no alert is deleted before it commits")]
    public async Task A_late_record_whose_taken_over_delivery_goes_with_its_alert_meanwhile_still_records_its_batch()
    {
        var gate = new SaveGate<DeliveryAttempt> { Armed = false };
        await using var gated = await DeliveryTestBed.StartAsync(gate.Register);
        var doomed = await gated.AlertAsync("hooks/doomed", name: "Doomed");
        await gated.FireAsync(doomed);
        var stale = Assert.Single(await gated.Database.Queue.ClaimAsync(10));
        gated.Database.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Single(await gated.Database.Queue.ClaimAsync(10)); // taken over
        var keptId = await gated.FireAsync(await gated.AlertAsync("hooks/kept", name: "Kept"));
        var kept = Assert.Single(await gated.Database.Queue.ClaimAsync(10));

        // The stale worker has looked its taken-over row up and is about to log the attempt on it, when the row's alert
        // is deleted.
        gate.Armed = true;
        var recording = Task.Run(() => gated.Database.Queue.RecordAsync([(stale, Answered(503, gated.Now)), (kept, Answered(200, gated.Now))]));
        await gate.WaitForHeldAsync(1);
        var deleting = Task.Run(() => gated.Database.Alerts.DeleteAsync(doomed));
        await UntilDoneOrWaitingForALockAsync(gated, deleting);
        gate.Open();

        await recording;
        Assert.True(await deleting);
        Assert.Equal(DeliveryStatus.Delivered, (await gated.RowAsync(keptId)).Status);
    }

    /// <summary>Returns once <paramref name="task"/> is done or a statement of this database waits for a row lock.</summary>
    private static async Task UntilDoneOrWaitingForALockAsync(DeliveryTestBed bed, Task task)
    {
        await using var db = await bed.Database.CreateDbContextAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!task.IsCompleted)
        {
            var waiting = await db.Database.SqlQuery<int>(
                $"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                .ToListAsync(timeout.Token);
            if (waiting[0] > 0)
            {
                return;
            }
            await Task.Yield();
        }
    }

    [Fact]
    public async Task A_graceful_stop_past_the_shutdown_timeout_releases_what_is_in_flight_before_it_returns()
    {
        await using var running = await DeliveryTestBed.StartAsync(s => s.Configure<WebhookOptions>(o => o.WorkerEnabled = true));
        using var receiver = new HeldReceiver();
        var alert = (await running.Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url))).Id;
        var worker = running.Database.Worker;
        await worker.StartAsync(CancellationToken.None);
        var id = await running.FireAsync(alert);
        using var held = await receiver.NextAsync();

        // The host's shutdown timeout has run out already.
        await worker.StopAsync(new CancellationToken(canceled: true));

        var row = await running.RowAsync(id);
        Assert.Equal((DeliveryStatus.Pending, null, running.Now, 0), (row.Status, row.LeaseId, row.DueAtUtc, row.AttemptCount));
        Assert.Single(await running.Database.Queue.ClaimAsync(10)); // at once, not when a lease ends
    }

    [Fact]
    public async Task A_graceful_stop_lets_the_attempts_in_flight_finish_and_records_them()
    {
        await using var running = await DeliveryTestBed.StartAsync(s => s.Configure<WebhookOptions>(o => o.WorkerEnabled = true));
        using var receiver = new HeldReceiver();
        var alert = (await running.Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url))).Id;
        var worker = running.Database.Worker;
        await worker.StartAsync(CancellationToken.None);
        var id = await running.FireAsync(alert);
        using var held = await receiver.NextAsync();

        var stopping = worker.StopAsync(CancellationToken.None);
        Assert.False(stopping.IsCompleted);
        await held.AnswerAsync(200);
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));

        var row = await running.RowAsync(id);
        Assert.Equal((DeliveryStatus.Delivered, 1, 200), (row.Status, row.AttemptCount, row.StatusCode));
    }
}
