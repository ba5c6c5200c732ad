using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Features.Delivery;

/// <summary>What one attempt came to, as the worker hands it back to the queue.</summary>
/// <remarks><see cref="Attempt"/> is null only when nothing was attempted (<see cref="AttemptVerdict.Released"/>).</remarks>
public sealed record AttemptOutcome(DeliveryAttempt? Attempt, AttemptVerdict Verdict, TimeSpan? RetryAfter = null);

public enum AttemptVerdict
{
    Delivered,

    /// <summary>A network error, a timeout, 408, 429 or 5xx: the next attempt follows the schedule.</summary>
    Retry,

    /// <summary>Any other answer, or a request the portal refused to send: the delivery fails now.</summary>
    Fail,

    /// <summary>410 Gone: the delivery fails and the alert's webhook is turned off.</summary>
    Gone,

    /// <summary>Not attempted (the app is stopping): the row goes back to the queue as it was.</summary>
    Released,
}

/// <summary>
/// The delivery table as a queue: every state change of a delivery after it is accepted happens here. Workers claim
/// due rows with a lease (<see cref="ClaimAsync"/>), then record each attempt (<see cref="RecordAsync"/>); a row whose
/// lease ran out (its worker died) is due again and taken over by whoever claims next.
/// </summary>
public sealed class DeliveryQueue(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time)
{
    private readonly Random random = Random.Shared;

    /// <summary>
    /// Claims up to <paramref name="max"/> due rows (pending and due, or delivering with an expired lease), oldest due
    /// first, and returns them with their alerts. One UPDATE statement, so two workers never claim the same row: SQLite
    /// runs it under its write lock; on PostgreSQL the due rows are locked with FOR UPDATE SKIP LOCKED, so instances
    /// claiming at once each take rows the others have not locked, without waiting for one another.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(int max, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var leaseId = Guid.NewGuid();
        var leaseEnd = now.AddSeconds(options.CurrentValue.LeaseSeconds);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // SQLite: INDEXED BY, because without statistics its planner prefers the (Status, Id) index and sorts the whole
        // backlog on every claim (100 ms at 200,000 waiting rows, under the write lock); the due index reads the oldest due
        // rows and stops. PostgreSQL's planner picks the partial due index by itself.
        var claim = db.Database.IsNpgsql()
            ? db.Database.SqlQuery<long>($"""
                UPDATE "Deliveries" SET "Status" = 1, "LeaseId" = {leaseId}, "DueAtUtc" = {leaseEnd}
                WHERE "Id" IN (SELECT "Id" FROM "Deliveries" WHERE "Status" IN (0, 1) AND "DueAtUtc" <= {now} ORDER BY "DueAtUtc" LIMIT {max} FOR UPDATE SKIP LOCKED)
                RETURNING "Id"
                """)
            : db.Database.SqlQuery<long>($"""
                UPDATE "Deliveries" SET "Status" = 1, "LeaseId" = {leaseId}, "DueAtUtc" = {leaseEnd}
                WHERE "Id" IN (SELECT "Id" FROM "Deliveries" INDEXED BY "IX_Deliveries_Due" WHERE "Status" IN (0, 1) AND "DueAtUtc" <= {now} ORDER BY "DueAtUtc" LIMIT {max})
                RETURNING "Id"
                """);
        var ids = await claim.ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return [];
        }
        // With identity resolution: a batch of one alert's deliveries materialises that alert (and its headers) once, not per row.
        return await db.Deliveries.AsNoTrackingWithIdentityResolution().Include(d => d.Alert).ThenInclude(a => a!.Credential)
            .Where(d => ids.Contains(d.Id) && d.LeaseId == leaseId)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Records the attempts of claimed deliveries, in one transaction: each attempt is logged, and a delivery still held
    /// by the lease it was claimed with moves on (delivered, due again by the schedule, or failed). A row whose lease
    /// was taken over meanwhile keeps the newer worker's state; its attempt is logged all the same. A batch costs a few
    /// statements, not a few per delivery: one read of who holds the rows, one INSERT of the attempts, and one UPDATE per
    /// distinct outcome (usually one: all delivered).
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<(WebhookDelivery Delivery, AttemptOutcome Outcome)> results, CancellationToken cancellationToken = default)
    {
        if (results.Count == 0)
        {
            return;
        }
        var schedule = options.CurrentValue.ParsedRetrySchedule();
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var leases = await LeasesAsync(db, [.. results.Select(r => r.Delivery.Id)], cancellationToken);
        var attempts = new List<DeliveryAttempt>(results.Count);
        var changes = new List<(long Id, Guid? Lease, NextState State)>(results.Count);
        foreach (var (delivery, outcome) in results)
        {
            // Not there: deleted with its alert meanwhile, nothing to log the attempt on.
            if (!leases.TryGetValue(delivery.Id, out var lease))
            {
                continue;
            }
            var ours = lease == delivery.LeaseId;
            if (outcome.Verdict == AttemptVerdict.Released)
            {
                if (ours)
                {
                    await db.Deliveries.Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Pending)
                        .SetProperty(d => d.DueAtUtc, now).SetProperty(d => d.LeaseId, (Guid?)null), cancellationToken);
                }
                continue;
            }

            var attempt = outcome.Attempt!;
            attempt.DeliveryId = delivery.Id;
            attempts.Add(attempt);
            if (ours)
            {
                var step = delivery.ScheduleStep + 1;
                var delay = outcome.Verdict == AttemptVerdict.Retry ? RetrySchedule.NextDelay(schedule, step, outcome.RetryAfter, random) : null;
                var status = outcome.Verdict == AttemptVerdict.Delivered ? DeliveryStatus.Delivered
                    : delay is null ? DeliveryStatus.Failed : DeliveryStatus.Pending;
                changes.Add((delivery.Id, lease, new NextState(status, delay is { } wait ? now + wait : now, attempt.StatusCode, attempt.Error,
                    status == DeliveryStatus.Pending ? null : now)));
            }
            if (outcome.Verdict == AttemptVerdict.Gone)
            {
                await db.Alerts.Where(a => a.Id == delivery.AlertId && a.WebhookGoneAtUtc == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.WebhookGoneAtUtc, now), cancellationToken);
            }
        }
        await db.InsertRowsAsync(attempts, cancellationToken);
        foreach (var group in changes.GroupBy(c => (c.Lease, c.State)))
        {
            var (lease, state) = group.Key;
            var ids = group.Select(c => c.Id).ToArray();
            // The step and the count go up by one from what the row has (ours since the claim: what the worker read); the
            // last attempt's time is the attempt just inserted.
            await db.Deliveries.Where(d => EF.Parameter(ids).Contains(d.Id) && d.LeaseId == lease).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, state.Status)
                .SetProperty(d => d.DueAtUtc, state.DueAtUtc)
                .SetProperty(d => d.LeaseId, (Guid?)null)
                .SetProperty(d => d.ScheduleStep, d => d.ScheduleStep + 1)
                .SetProperty(d => d.AttemptCount, d => d.AttemptCount + 1)
                .SetProperty(d => d.LastAttemptAtUtc, d => d.Attempts.Max(a => (DateTime?)a.AttemptedAtUtc))
                .SetProperty(d => d.StatusCode, state.StatusCode)
                .SetProperty(d => d.Error, state.Error)
                .SetProperty(d => d.CompletedAtUtc, state.CompletedAtUtc), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>What a delivery's row becomes after an attempt: rows with the same next state are updated together.</summary>
    private sealed record NextState(DeliveryStatus Status, DateTime DueAtUtc, int? StatusCode, string? Error, DateTime? CompletedAtUtc);

    /// <summary>
    /// The lease each of these deliveries is held by now (null: none), kept so until the commit; a deleted one is left out.
    /// PostgreSQL: FOR UPDATE, so neither a take-over nor its alert's deletion changes a row between this read and the
    /// save; SQLite: the transaction holds the write lock already.
    /// </summary>
    private static async Task<Dictionary<long, Guid?>> LeasesAsync(PortalDbContext db, long[] ids, CancellationToken cancellationToken)
    {
        var rows = db.Database.IsNpgsql()
            ? db.Database.SqlQuery<HeldBy>($"""SELECT "Id", "LeaseId" FROM "Deliveries" WHERE "Id" = ANY({ids}) FOR UPDATE""")
            : db.Deliveries.Where(d => EF.Parameter(ids).Contains(d.Id)).Select(d => new HeldBy { Id = d.Id, LeaseId = d.LeaseId });
        return await rows.ToDictionaryAsync(r => r.Id, r => r.LeaseId, cancellationToken);
    }

    private sealed class HeldBy
    {
        public long Id { get; set; }
        public Guid? LeaseId { get; set; }
    }

    /// <summary>
    /// Puts finished deliveries back in the queue, due now, with a fresh schedule; they keep their <c>webhook-id</c>.
    /// Rows still pending or delivering are left as they are. Returns the ids put back.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> RequeueAsync(PortalDbContext db, IQueryable<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var finished = deliveries.Where(d => d.Status == DeliveryStatus.Delivered || d.Status == DeliveryStatus.Failed);
        var ids = await finished.Select(d => d.PublicId).ToListAsync(cancellationToken);
        if (ids.Count > 0)
        {
            await db.Deliveries.Where(d => ids.Contains(d.PublicId) && (d.Status == DeliveryStatus.Delivered || d.Status == DeliveryStatus.Failed))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, DeliveryStatus.Pending)
                    .SetProperty(d => d.DueAtUtc, now)
                    .SetProperty(d => d.ScheduleStep, 0)
                    .SetProperty(d => d.CompletedAtUtc, (DateTime?)null), cancellationToken);
        }
        return ids;
    }

    /// <summary>Rows deleted per statement when pruning: bounds how long one prune holds the write lock.</summary>
    public const int PruneChunk = 1000;

    /// <summary>
    /// Deletes up to <see cref="PruneChunk"/> finished deliveries (with their attempts, by the foreign key's cascade)
    /// created and completed before the retention period; returns how many. Call again while it returns a full chunk.
    /// SQLite: INDEXED BY, as for the claim: the oldest rows by creation time, not a sort of every finished row per chunk.
    /// PostgreSQL: FOR UPDATE SKIP LOCKED, so a row replayed meanwhile is looked at again (no longer finished: kept), and
    /// instances pruning at once do not wait on each other's rows.
    /// </summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.CurrentValue.LogRetentionDays);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return db.Database.IsNpgsql()
            ? await db.Database.ExecuteSqlAsync($"""
                DELETE FROM "Deliveries" WHERE "Id" IN (SELECT "Id" FROM "Deliveries"
                    WHERE "CreatedAtUtc" < {cutoff} AND "Status" IN (2, 3) AND "CompletedAtUtc" < {cutoff} ORDER BY "CreatedAtUtc" LIMIT {PruneChunk} FOR UPDATE SKIP LOCKED)
                """, cancellationToken)
            : await db.Database.ExecuteSqlAsync($"""
                DELETE FROM "Deliveries" WHERE "Id" IN (SELECT "Id" FROM "Deliveries" INDEXED BY "IX_Deliveries_CreatedAtUtc"
                    WHERE "CreatedAtUtc" < {cutoff} AND "Status" IN (2, 3) AND "CompletedAtUtc" < {cutoff} ORDER BY "CreatedAtUtc" LIMIT {PruneChunk})
                """, cancellationToken);
    }
}
