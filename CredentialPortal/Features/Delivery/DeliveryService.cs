using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Text.Json;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Hierarchy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using CredentialPortal.Features.Users;

namespace CredentialPortal.Features.Delivery;

public enum DeliveryCommandStatus
{
    Accepted,
    NotFound,

    /// <summary>Outside the caller's scope.</summary>
    Forbidden,

    /// <summary>Not possible in the alert's or delivery's present state (<see cref="DeliveryCommandResult.Reason"/> says why).</summary>
    Conflict,

    /// <summary>The request itself is wrong (<see cref="DeliveryCommandResult.Reason"/> says why).</summary>
    Invalid,
}

/// <summary>The deliveries a command accepted (for a repeated Idempotency-Key, the earlier ones), or why it accepted none.</summary>
/// <summary><see cref="Field"/>: for <see cref="DeliveryCommandStatus.Invalid"/>, the input at fault (a <see cref="DeliveryInput"/> name).</summary>
public sealed record DeliveryCommandResult(DeliveryCommandStatus Status, IReadOnlyList<Guid> DeliveryIds, string? Reason = null, string? Field = null)
{
    public static DeliveryCommandResult Refused(DeliveryCommandStatus status, string reason, string? field = null) => new(status, [], reason, field);
}

/// <summary>The inputs a command may refuse, as <see cref="DeliveryCommandResult.Field"/> names them.</summary>
public enum DeliveryInput
{
    IdempotencyKey,
    Event,
}

public sealed record DeliveryAttemptView(DateTime AttemptedAtUtc, int DurationMs, int? StatusCode, string? Error, string Method, string Url, string Headers);

/// <summary>A delivery as the log, the pages and the API show it.</summary>
public sealed record DeliveryView(
    /// <summary>The row's key: the log's paging cursor; not shown to people.</summary>
    long Id,
    Guid DeliveryId,
    int AlertId,
    string AlertName,
    AlertKind AlertKind,
    Guid WorkspaceId,
    bool IsTest,
    DeliveryStatus Status,
    DateTime CreatedAtUtc,
    /// <summary>When the next attempt is due (pending), else null.</summary>
    DateTime? NextAttemptAtUtc,
    int AttemptCount,
    DateTime? LastAttemptAtUtc,
    int? StatusCode,
    string? Error,
    DateTime? CompletedAtUtc)
{
    /// <summary>The <c>webhook-id</c> header of every attempt and replay.</summary>
    public string WebhookId => WebhookDelivery.WebhookIdOf(DeliveryId);

    /// <summary>Loaded by <see cref="DeliveryService.GetAsync"/> and for the expanded rows; empty in lists.</summary>
    public IReadOnlyList<DeliveryAttemptView> Attempts { get; init; } = [];

    /// <summary>The JSON body sent; loaded by <see cref="DeliveryService.GetAsync"/> only.</summary>
    public string? Body { get; init; }
}

/// <summary>Filters of the log; <see cref="BeforeId"/> pages on (keyset: the cursor of the previous page).</summary>
public sealed record DeliveryQuery(
    int? AlertId = null,
    DeliveryStatus? Status = null,
    DateTime? FromUtc = null,
    DateTime? ToUtc = null,
    long? BeforeId = null,
    int Limit = 25);

/// <summary>A page of the log, newest first; <see cref="NextBeforeId"/> is the cursor of the next (older) page, null at the end.</summary>
public sealed record DeliveryPage(IReadOnlyList<DeliveryView> Items, long? NextBeforeId);

/// <summary>What an alert's overview shows of its deliveries: the last one, and how many failed or wait.</summary>
public sealed record AlertDeliverySummary(DeliveryView? Last, int FailedCount, int PendingCount);

/// <summary>
/// The way into delivery for pages and endpoints: firing (a row committed, then sent by <see cref="DeliveryWorker"/>),
/// Send test (a row committed and its first attempt made at once), replay, and reading the log.
/// </summary>
public sealed partial class DeliveryService(
    IDbContextFactory<PortalDbContext> dbFactory,
    DeliveryQueue queue,
    DeliverySignal signal,
    HierarchyService hierarchy,
    IServiceProvider services,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ActorAccessor actors,
    AuditTrail audit)
{
    public const int MaxLimit = 200;
    public const int IdempotencyKeyMaxLength = 200;

    private static readonly JsonWriterOptions Writer = new() { Indented = false };

    /// <summary>
    /// Accepts a fire of the alert with <paramref name="data"/> (any JSON, or none): the delivery is committed before
    /// this returns and sent by a worker. With <paramref name="idempotencyKey"/>, a repeat answers the first delivery.
    /// <paramref name="scope"/>: the caller's hierarchy scope (an API token's), which must cover the alert's workspace.
    /// </summary>
    /// <remarks>
    /// Group commit: fires that arrive together share one transaction (one commit, one read of their alerts) instead of
    /// queueing for the database's write lock one by one. A caller that finds <see cref="fireLock"/> free commits every
    /// fire waiting, its own among them, until none is left; the others only wait for their answer. Whoever commits looks
    /// at the queue again after letting the lock go, so a fire queued while it held the lock is never left behind. Once
    /// queued, a fire is not cancelled: a commit carries other callers' fires.
    /// </remarks>
    public async Task<DeliveryCommandResult> FireAsync(int alertId, JsonElement? data, string? idempotencyKey, Guid? scope = null,
        CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        if (KeyError(idempotencyKey) is { } keyError)
        {
            return DeliveryCommandResult.Refused(DeliveryCommandStatus.Invalid, keyError, nameof(DeliveryInput.IdempotencyKey));
        }
        var fire = new PendingFire(alertId, data, idempotencyKey, scope);
        pendingFires.Enqueue(fire);
        while (!pendingFires.IsEmpty && fireLock.Wait(0))
        {
            try
            {
                while (!pendingFires.IsEmpty)
                {
                    await CommitPendingFiresAsync();
                }
            }
            finally
            {
                fireLock.Release();
            }
        }
        return await fire.Done.Task.WaitAsync(cancellationToken); // a caller that goes away stops waiting; its fire may still be committed
    }

    /// <summary>Fires committed in one transaction at most.</summary>
    public const int MaxFiresPerCommit = 256;

    private readonly ConcurrentQueue<PendingFire> pendingFires = new();
    private readonly SemaphoreSlim fireLock = new(1, 1);

    private sealed record PendingFire(int AlertId, JsonElement? Data, string? IdempotencyKey, Guid? Scope)
    {
        public TaskCompletionSource<DeliveryCommandResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Commits the fires waiting (up to <see cref="MaxFiresPerCommit"/>) and answers each; called under <see cref="fireLock"/>.</summary>
    private async Task CommitPendingFiresAsync()
    {
        var batch = new List<PendingFire>();
        while (batch.Count < MaxFiresPerCommit && pendingFires.TryDequeue(out var next))
        {
            batch.Add(next);
        }
        try
        {
            var results = await RetriedOnLostRaceAsync(() => CommitAsync(batch));
            if (results.Any(r => r.Status == DeliveryCommandStatus.Accepted))
            {
                signal.Notify();
            }
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            // The database refused the transaction (busy, gone): every fire in it fails, as each would have alone.
            foreach (var fire in batch)
            {
                fire.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>One transaction for the batch: its alerts read at once, each fire accepted or refused, the rows inserted.</summary>
    private async Task<IReadOnlyList<DeliveryCommandResult>> CommitAsync(IReadOnlyList<PendingFire> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        // SQLite: BEGIN IMMEDIATE. The alerts are read and the rows inserted under one write lock, so a repeated key cannot
        // slip in between the look-up and the insert. PostgreSQL: read committed; a repeated key that slips in is refused
        // by the unique index, and the batch runs again (RetriedOnLostRaceAsync).
        await using var transaction = await db.Database.BeginTransactionAsync();
        var alertIds = batch.Select(f => f.AlertId).Distinct().ToArray();
        var alerts = await db.Alerts.Where(a => EF.Parameter(alertIds).Contains(a.Id)).Select(FiringFields).ToDictionaryAsync(a => a.Id);
        var results = new List<DeliveryCommandResult>(batch.Count);
        var rows = new List<WebhookDelivery>(batch.Count);
        var keyed = new Dictionary<(int AlertId, string Key), Guid>(); // a key repeated within the batch: its first delivery
        foreach (var fire in batch)
        {
            var alert = alerts.GetValueOrDefault(fire.AlertId);
            if (await RefusalAsync(alert, fire.Scope, CancellationToken.None) is { } refusal)
            {
                results.Add(refusal);
                continue;
            }
            // A repeated key answers its first delivery, even when the webhook went off since (the client lost the answer).
            var first = fire.IdempotencyKey is not { } key ? null
                : keyed.TryGetValue((alert!.Id, key), out var inBatch) ? inBatch
                : await EarlierDeliveryAsync(db, alert.Id, key, CancellationToken.None);
            if (first is { } firstId)
            {
                results.Add(new DeliveryCommandResult(DeliveryCommandStatus.Accepted, [firstId]));
                continue;
            }
            if (InactiveRefusal(alert!) is { } inactive)
            {
                results.Add(inactive);
                continue;
            }
            var id = Add(rows, alert!, eventKey: null, fire.Data, fire.IdempotencyKey);
            if (fire.IdempotencyKey is not null)
            {
                keyed[(alert!.Id, fire.IdempotencyKey)] = id;
            }
            results.Add(new DeliveryCommandResult(DeliveryCommandStatus.Accepted, [id]));
        }
        await db.InsertRowsAsync(rows);
        await transaction.CommitAsync();
        return results;
    }

    /// <summary>
    /// Fires every Platform Event alert of the workspace on <paramref name="eventKey"/> whose webhook is on: one delivery
    /// each, committed together.
    /// </summary>
    public async Task<DeliveryCommandResult> FireEventAsync(string? eventKey, Guid workspaceId, JsonElement? data, string? idempotencyKey,
        Guid? scope = null, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        if (AlertCatalogue.PlatformEvents.All(e => e.Key != eventKey))
        {
            return DeliveryCommandResult.Refused(DeliveryCommandStatus.Invalid,
                $"{(eventKey is null ? "event is required" : $"'{eventKey}' is not a platform event")}; known events: " +
                $"{string.Join(", ", AlertCatalogue.PlatformEvents.Select(e => e.Key))}.", nameof(DeliveryInput.Event));
        }
        if (KeyError(idempotencyKey) is { } keyError)
        {
            return DeliveryCommandResult.Refused(DeliveryCommandStatus.Invalid, keyError, nameof(DeliveryInput.IdempotencyKey));
        }
        return await RetriedOnLostRaceAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Scope first: a scoped caller learns nothing about ids outside its subtree, not even whether they exist.
            if (!await CoversAsync(scope, workspaceId, cancellationToken))
            {
                return DeliveryCommandResult.Refused(DeliveryCommandStatus.Forbidden, "The token's scope does not include this workspace.");
            }
            if (!await db.HierarchyEntities.AnyAsync(e => e.Id == workspaceId && e.Level == HierarchyLevel.Workspace, cancellationToken))
            {
                return DeliveryCommandResult.Refused(DeliveryCommandStatus.NotFound, "No workspace has this id.");
            }
            var alerts = await db.Alerts.AsNoTracking()
                .Where(a => a.WorkspaceId == workspaceId && a.Kind == AlertKind.PlatformEvent && a.PlatformEvent == eventKey
                    && a.WebhookEnabled && a.WebhookGoneAtUtc == null)
                .OrderBy(a => a.Id).Select(FiringFields)
                .ToListAsync(cancellationToken);
            var ids = new List<Guid>(alerts.Count);
            var rows = new List<WebhookDelivery>(alerts.Count);
            foreach (var alert in alerts)
            {
                ids.Add((idempotencyKey is null ? null : await EarlierDeliveryAsync(db, alert.Id, idempotencyKey, cancellationToken))
                    ?? Add(rows, alert, eventKey, data, idempotencyKey));
            }
            await db.InsertRowsAsync(rows, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (ids.Count > 0)
            {
                signal.Notify();
            }
            return new DeliveryCommandResult(DeliveryCommandStatus.Accepted, ids);
        });
    }

    /// <summary>
    /// Send test: a test delivery is committed like any other, and its first attempt is made here and now, so the page
    /// can show the answer. If that attempt fails with something worth retrying, the schedule goes on in the background.
    /// </summary>
    public async Task<(DeliveryCommandResult Result, DeliveryView? Delivery)> SendTestAsync(int alertId, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        WebhookDelivery delivery;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var alert = await db.Alerts.AsNoTracking().Include(a => a.Credential).FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken);
            if (alert is null)
            {
                return (DeliveryCommandResult.Refused(DeliveryCommandStatus.NotFound, "No alert has this id."), null);
            }
            if (InactiveRefusal(alert) is { } inactive)
            {
                return (inactive, null);
            }
            var now = time.GetUtcNow().UtcDateTime;
            delivery = NewDelivery(alert, eventKey: null, data: null, isTest: true, now);
            // Claimed by this call from the start: no worker sends it meanwhile.
            delivery.Status = DeliveryStatus.Delivering;
            delivery.LeaseId = Guid.NewGuid();
            delivery.DueAtUtc = now.AddSeconds(options.CurrentValue.LeaseSeconds);
            db.Deliveries.Add(delivery);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            delivery.Alert = alert;
        }

        var outcome = await services.GetRequiredService<WebhookSender>().AttemptAsync(delivery, CancellationToken.None);
        await queue.RecordAsync([(delivery, outcome)], CancellationToken.None);
        signal.Notify(); // a retry, if one is due, is the worker's
        return (new DeliveryCommandResult(DeliveryCommandStatus.Accepted, [delivery.PublicId]), await GetAsync(delivery.PublicId, cancellationToken));
    }

    /// <summary>Sends a finished delivery again, due now, with the same <c>webhook-id</c> and a fresh schedule.</summary>
    public async Task<DeliveryCommandResult> ReplayAsync(Guid deliveryId, Guid? scope = null, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var found = await db.Deliveries.AsNoTracking().Where(d => d.PublicId == deliveryId)
            .Select(d => new { d.Status, d.Alert })
            .FirstOrDefaultAsync(cancellationToken);
        if (found?.Alert is not { } alert)
        {
            return DeliveryCommandResult.Refused(DeliveryCommandStatus.NotFound, "No delivery has this id.");
        }
        if (!await CoversAsync(scope, alert.WorkspaceId, cancellationToken))
        {
            return DeliveryCommandResult.Refused(DeliveryCommandStatus.Forbidden, "The token's scope does not include this delivery's alert.");
        }
        if (InactiveRefusal(alert) is { } inactive)
        {
            return inactive;
        }
        if (found.Status is DeliveryStatus.Pending or DeliveryStatus.Delivering)
        {
            return DeliveryCommandResult.Refused(DeliveryCommandStatus.Conflict, "The delivery is still being sent; it can be replayed once it is delivered or failed.");
        }
        var ids = await queue.RequeueAsync(db, db.Deliveries.Where(d => d.PublicId == deliveryId), cancellationToken);
        await AuditReplaysAsync(db, ids, alert, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return new DeliveryCommandResult(DeliveryCommandStatus.Accepted, ids);
    }

    /// <summary>One entry per delivery sent again, in the replay's transaction.</summary>
    private async Task AuditReplaysAsync(PortalDbContext db, IReadOnlyList<Guid> ids, Alert alert, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            audit.Add(db, "delivery.replayed", "delivery", id.ToString(), alert.Name,
                [new AuditChange("Alert", null, alert.Name)]);
        }
        if (ids.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Replays every failed delivery of the alert created at or after <paramref name="sinceUtc"/>.</summary>
    public async Task<DeliveryCommandResult> ReplayFailedSinceAsync(int alertId, DateTime sinceUtc, Guid? scope = null,
        CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (alert, refusal) = await FiringAlertAsync(db, alertId, scope, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var since = Comparable(db, sinceUtc);
        var ids = await queue.RequeueAsync(db,
            db.Deliveries.Where(d => d.AlertId == alertId && d.Status == DeliveryStatus.Failed && d.CreatedAtUtc >= since), cancellationToken);
        await AuditReplaysAsync(db, ids, alert!, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (ids.Count > 0)
        {
            signal.Notify();
        }
        return new DeliveryCommandResult(DeliveryCommandStatus.Accepted, ids);
    }

    /// <summary>One delivery with its attempts (oldest first) and body; null when there is none with this id.</summary>
    public async Task<DeliveryView?> GetAsync(Guid deliveryId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var view = await db.Deliveries.AsNoTracking().Where(d => d.PublicId == deliveryId).Select(View).FirstOrDefaultAsync(cancellationToken);
        if (view is null)
        {
            return null;
        }
        var id = view.Id; // a local, not a member chain: EF reads it without compiling a closure per call
        var body = await db.Deliveries.Where(d => d.Id == id).Select(d => d.Body).FirstAsync(cancellationToken);
        return view with { Attempts = await AttemptsAsync(db, view.Id, cancellationToken), Body = body };
    }

    /// <summary>The attempts of a delivery of the log (its <see cref="DeliveryView.Id"/>), oldest first: an expanded row.</summary>
    public async Task<IReadOnlyList<DeliveryAttemptView>> GetAttemptsAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await AttemptsAsync(db, id, cancellationToken);
    }

    private static async Task<IReadOnlyList<DeliveryAttemptView>> AttemptsAsync(PortalDbContext db, long id, CancellationToken cancellationToken) =>
        await db.Set<DeliveryAttempt>().AsNoTracking().Where(a => a.DeliveryId == id).OrderBy(a => a.Id)
            .Select(a => new DeliveryAttemptView(a.AttemptedAtUtc, a.DurationMs, a.StatusCode, a.Error, a.Method, a.Url, a.Headers))
            .ToListAsync(cancellationToken);

    /// <summary>A page of the log, newest first, filtered; keyset paging, so a deep page costs what the first does.</summary>
    public async Task<DeliveryPage> ListAsync(DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = db.Deliveries.AsNoTracking();
        if (query.AlertId is int alertId)
        {
            rows = rows.Where(d => d.AlertId == alertId);
        }
        if (query.Status is { } status)
        {
            rows = rows.Where(d => d.Status == status);
        }
        if (query.FromUtc is { } fromUtc)
        {
            var from = Comparable(db, fromUtc);
            rows = rows.Where(d => d.CreatedAtUtc >= from);
        }
        if (query.ToUtc is { } toUtc)
        {
            var to = Comparable(db, toUtc);
            rows = rows.Where(d => d.CreatedAtUtc < to);
        }
        if (query.BeforeId is long before)
        {
            rows = rows.Where(d => d.Id < before);
        }
        var page = await rows.OrderByDescending(d => d.Id).Take(limit + 1).Select(View).ToListAsync(cancellationToken);
        var more = page.Count > limit;
        var items = page.Take(limit).ToList();
        return new DeliveryPage(items, more ? items[^1].Id : null);
    }

    /// <summary>The workspace of the alert, null when there is no such alert: what a scope check of its log needs.</summary>
    public async Task<Guid?> GetAlertWorkspaceAsync(int alertId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Alerts.AsNoTracking().Where(a => a.Id == alertId).Select(a => (Guid?)a.WorkspaceId).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The overview's line: the last delivery, and how many failed or wait to be sent.</summary>
    public async Task<AlertDeliverySummary> GetAlertSummaryAsync(int alertId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deliveries = db.Deliveries.AsNoTracking().Where(d => d.AlertId == alertId);
        var last = await deliveries.OrderByDescending(d => d.Id).Select(View).FirstOrDefaultAsync(cancellationToken);
        var failed = await deliveries.CountAsync(d => d.Status == DeliveryStatus.Failed, cancellationToken);
        var pending = await deliveries.CountAsync(d => d.Status == DeliveryStatus.Pending || d.Status == DeliveryStatus.Delivering, cancellationToken);
        return new AlertDeliverySummary(last, failed, pending);
    }

    /// <summary>The alert to send for, or why not: unknown, outside <paramref name="scope"/>, or its webhook off.</summary>
    private async Task<(Alert Alert, DeliveryCommandResult? Refusal)> FiringAlertAsync(PortalDbContext db, int alertId, Guid? scope,
        CancellationToken cancellationToken)
    {
        var alert = await db.Alerts.Where(a => a.Id == alertId).Select(FiringFields).FirstOrDefaultAsync(cancellationToken);
        return (alert!, await RefusalAsync(alert, scope, cancellationToken) ?? InactiveRefusal(alert!));
    }

    /// <summary>
    /// Why <paramref name="alert"/> (as <see cref="FiringFields"/> reads it) is not this caller's to fire: unknown, or
    /// outside its scope; null when it is (whether its webhook sends now is <see cref="InactiveRefusal"/>).
    /// </summary>
    private async Task<DeliveryCommandResult?> RefusalAsync(Alert? alert, Guid? scope, CancellationToken cancellationToken)
    {
        if (alert is null)
        {
            return DeliveryCommandResult.Refused(DeliveryCommandStatus.NotFound, "No alert has this id.");
        }
        if (!await CoversAsync(scope, alert.WorkspaceId, cancellationToken))
        {
            return DeliveryCommandResult.Refused(DeliveryCommandStatus.Forbidden, "The token's scope does not include this alert's workspace.");
        }
        return null;
    }

    /// <summary>409 when the alert's webhook sends nothing now (<see cref="InactiveReason"/>), else null.</summary>
    private static DeliveryCommandResult? InactiveRefusal(Alert alert) =>
        InactiveReason(alert) is { } reason ? DeliveryCommandResult.Refused(DeliveryCommandStatus.Conflict, reason) : null;

    /// <summary>Why the alert's webhook sends nothing now, or null when it does.</summary>
    public static string? InactiveReason(Alert alert) =>
        !alert.WebhookEnabled ? "The alert has no webhook action; add one on its Edit page."
        : alert.WebhookGoneAtUtc is not null
            ? "The webhook is off: its receiver answered 410 Gone. Saving the alert turns it back on."
        : null;

    /// <summary>
    /// What firing reads of an alert: its body's fields and whether its webhook is on. Not the headers: an owned JSON
    /// collection costs more to materialise than the rest of a fire.
    /// </summary>
    private static readonly Expression<Func<Alert, Alert>> FiringFields = a => new Alert
    {
        Id = a.Id,
        Name = a.Name,
        Kind = a.Kind,
        PlatformEvent = a.PlatformEvent,
        Metric = a.Metric,
        Comparison = a.Comparison,
        Threshold = a.Threshold,
        WindowMinutes = a.WindowMinutes,
        WorkspaceId = a.WorkspaceId,
        WebhookEnabled = a.WebhookEnabled,
        WebhookGoneAtUtc = a.WebhookGoneAtUtc,
    };

    private static readonly Expression<Func<WebhookDelivery, DeliveryView>> View = d => new DeliveryView(
        d.Id, d.PublicId, d.AlertId, d.Alert!.Name, d.Alert.Kind, d.Alert.WorkspaceId, d.IsTest, d.Status,
        d.CreatedAtUtc, d.Status == DeliveryStatus.Pending ? d.DueAtUtc : null, d.AttemptCount, d.LastAttemptAtUtc, d.StatusCode, d.Error,
        d.CompletedAtUtc);

    private static string? KeyError(string? key) =>
        key is null ? null
        : key.Length is 0 or > IdempotencyKeyMaxLength ? $"Idempotency-Key must be 1 to {IdempotencyKeyMaxLength} characters."
        : null;

    /// <summary>Fires run again after a lost race, at most: a second run finds what the winner committed.</summary>
    private const int FireRuns = 3;

    /// <summary>
    /// Runs a fire (or a batch of them) again when it lost a race on PostgreSQL, where a fire's transaction takes no lock
    /// before its look-ups:
    /// two fires with one Idempotency-Key can both find no earlier delivery, and the unique index (AlertId,
    /// IdempotencyKey) refuses the later insert once the earlier commits (23505); run again, the later fire finds the
    /// earlier's delivery and answers it. Likewise an alert deleted between the look-up and the insert (23503): run
    /// again, it is not found. On SQLite neither happens: BEGIN IMMEDIATE takes the write lock before the look-ups.
    /// </summary>
    private static async Task<T> RetriedOnLostRaceAsync<T>(Func<Task<T>> fire)
    {
        for (var run = 1; ; run++)
        {
            try
            {
                return await fire();
            }
            catch (Exception ex) when (run < FireRuns
                && (ex as PostgresException ?? ex.InnerException) is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation })
            {
                // the transaction is rolled back; run again
            }
        }
    }

    /// <summary>
    /// A time to compare stored times with. PostgreSQL stores microseconds and Npgsql cuts a parameter's finer part off, so
    /// a time between two microseconds would compare as the earlier one: it is taken as the next one instead (the same
    /// answer for <c>&gt;=</c> and <c>&lt;</c>). SQLite keeps every tick.
    /// </summary>
    private static DateTime Comparable(PortalDbContext db, DateTime time)
    {
        const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;
        var extra = time.Ticks % TicksPerMicrosecond;
        return !db.Database.IsNpgsql() || extra == 0 ? time : time.AddTicks(TicksPerMicrosecond - extra);
    }

    /// <summary>No scope: a person in the portal, who reaches every alert.</summary>
    private async Task<bool> CoversAsync(Guid? scope, Guid workspaceId, CancellationToken cancellationToken) =>
        scope is not { } s || await hierarchy.CoversAsync(s, workspaceId, cancellationToken);

    /// <summary>Adds a new delivery of the alert to <paramref name="added"/> (to be inserted) and returns its id.</summary>
    private Guid Add(List<WebhookDelivery> added, Alert alert, string? eventKey, JsonElement? data, string? idempotencyKey)
    {
        var delivery = NewDelivery(alert, eventKey, data, isTest: false, time.GetUtcNow().UtcDateTime);
        delivery.IdempotencyKey = idempotencyKey;
        added.Add(delivery);
        return delivery.PublicId;
    }

    /// <summary>The delivery an earlier fire of the alert with this Idempotency-Key committed, if any.</summary>
    private static Task<Guid?> EarlierDeliveryAsync(PortalDbContext db, int alertId, string idempotencyKey, CancellationToken cancellationToken) =>
        db.Deliveries.Where(d => d.AlertId == alertId && d.IdempotencyKey == idempotencyKey)
            .Select(d => (Guid?)d.PublicId).FirstOrDefaultAsync(cancellationToken);

    private static WebhookDelivery NewDelivery(Alert alert, string? eventKey, JsonElement? data, bool isTest, DateTime now)
    {
        var delivery = new WebhookDelivery
        {
            AlertId = alert.Id,
            IsTest = isTest,
            Status = DeliveryStatus.Pending,
            CreatedAtUtc = now,
            DueAtUtc = now,
            Body = "",
        };
        delivery.Body = Body(delivery, alert, eventKey, data, now);
        return delivery;
    }

    /// <summary>What a receiver gets, the same on every attempt: the delivery, the alert, the event data, the time it was accepted.</summary>
    private static string Body(WebhookDelivery delivery, Alert alert, string? eventKey, JsonElement? data, DateTime now)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Writer))
        {
            json.WriteStartObject();
            json.WriteString("delivery_id", delivery.PublicId);
            json.WriteBoolean("is_test", delivery.IsTest);
            json.WriteNumber("alert_id", alert.Id);
            json.WriteString("alert_name", alert.Name);
            json.WriteString("kind", alert.Kind.WireName());
            json.WriteString("trigger", alert.TriggerSummary());
            json.WriteString("workspace_id", alert.WorkspaceId);
            if (eventKey is not null || alert.Kind == AlertKind.PlatformEvent)
            {
                json.WriteString("event", eventKey ?? alert.PlatformEvent);
            }
            json.WritePropertyName("data");
            if (data is { } value && value.ValueKind != JsonValueKind.Undefined)
            {
                value.WriteTo(json);
            }
            else
            {
                json.WriteNullValue();
            }
            json.WriteString("timestamp", DateTime.SpecifyKind(now, DateTimeKind.Utc));
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
