using System.Collections.Concurrent;
using CredentialPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Delivery;

public sealed record DeliveryLogPage(IReadOnlyList<WebhookDelivery> Items, int TotalCount);

/// <summary>
/// Writes each delivery into its alert's log and reads the log, newest first, a page at a time.
/// <para>
/// Rows are written by one writer thread of the log's own: callers queue their row and go on (a delivery does not
/// wait for SQLite), and the writer inserts what is queued, up to <see cref="MaxBatch"/> rows per transaction, with a
/// prepared statement on a connection of its own, then looks again a millisecond later before it sleeps. Each caller
/// gets a task that completes once its row is committed (the overview awaits it before it reloads the log after Send
/// test), or faults with the error that kept it out.
/// </para>
/// </summary>
public sealed partial class DeliveryLog(IDbContextFactory<PortalDbContext> dbFactory, ILogger<DeliveryLog> logger) : IAsyncDisposable, IDisposable
{
    /// <summary>Rows per transaction at most: bounds how long the write lock is held.</summary>
    internal const int MaxBatch = 256;

    private const int SqliteConstraint = 19;

    /// <summary>
    /// After writing, the writer waits this long for more rows before it goes idle: under a stream of deliveries their
    /// rows then share transactions (a commit costs ~30 µs of CPU; waking the writer costs the delivering thread a
    /// system call). The price: a row that arrives meanwhile waits up to this long for its commit.
    /// </summary>
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(1);

    /// <summary>A checkpoint about every 1000 WAL pages, the mark of SQLite's own automatic one.</summary>
    internal const int PagesPerCheckpoint = 1000;

    private const string InsertSql = """
        INSERT INTO WebhookDeliveries (AlertId, SentAtUtc, IsTest, Delivered, StatusCode, Attempts, DurationMs, Error, Method, Url, Headers)
        VALUES ($alertId, $sentAtUtc, $isTest, $delivered, $statusCode, $attempts, $durationMs, $error, $method, $url, $headers)
        RETURNING Id;
        """;

    private readonly ConcurrentQueue<PendingRow> queue = new();
    private readonly object gate = new(); // guards the writer's start and its wake-up (Monitor.Wait/Pulse)
    private readonly List<PendingRow> batch = new(MaxBatch);
    private bool woken;
    private Thread? writer;
    private int idle = 1; // 1 while the writer waits for rows (or has not started): the next caller wakes it
    private int closed; // 1 once Dispose has begun: no new rows
    private int drained; // 1 once the writer has stopped: a row queued now is failed by whoever queued it
    private int pagesSinceCheckpoint;
    private SqliteConnection? connection;
    private SqliteCommand? insert;

    /// <summary>Number of transactions committed so far (tests: rows queued together share them).</summary>
    internal int Commits { get; private set; }

    /// <summary>RESTART checkpoints completed so far (tests).</summary>
    internal int Checkpoints { get; private set; }

    /// <summary>
    /// Called on the writer's thread with each batch it has taken from the queue, before writing it (tests: from here on
    /// the writer waits for SQLite's write lock, if another connection holds it).
    /// </summary>
    internal Action<int>? BatchTaken { get; set; }

    /// <summary>Called on the writer's thread as it finds the queue empty and is about to go idle (tests).</summary>
    internal Action? GoingIdle { get; set; }

    private readonly TaskCompletionSource closing = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once <see cref="Dispose"/> has begun: rows offered from then on are refused (tests).</summary>
    internal Task Closing => closing.Task;

    /// <summary>
    /// Queues the row and returns a task that completes once it is committed (its Id set), or faults with what kept it
    /// out. A row once queued is written even if <paramref name="cancellationToken"/> fires afterwards, so that the
    /// caller is never told "cancelled" about a row that is in the log.
    /// </summary>
    public Task RecordAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref closed) == 1)
        {
            return Task.FromException(new ObjectDisposedException(nameof(DeliveryLog)));
        }
        var pending = new PendingRow(delivery);
        queue.Enqueue(pending);
        if (Interlocked.Exchange(ref idle, 0) == 1)
        {
            // Only the caller that finds the writer idle wakes it; while it works, it finds new rows by itself.
            Wake();
        }
        if (Volatile.Read(ref drained) == 1)
        {
            // Disposed meanwhile and the writer is gone: nobody else will take what is queued now.
            FailQueued();
        }
        return pending.Task;
    }

    private void Wake()
    {
        lock (gate)
        {
            if (writer is null)
            {
                if (Volatile.Read(ref closed) == 1)
                {
                    return; // Dispose fails what is queued
                }
                var thread = new Thread(Run) { IsBackground = true, Name = "Delivery log writer" };
                try
                {
                    thread.Start();
                }
                catch (Exception ex)
                {
                    // No writer: give the role back so that the next row tries again, and fail what waits now.
                    Log.WriterFailed(logger, ex);
                    Interlocked.Exchange(ref idle, 1);
                    FailQueued(ex);
                    return;
                }
                writer = thread;
            }
            woken = true;
            Monitor.Pulse(gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            lock (gate)
            {
                while (!woken)
                {
                    Monitor.Wait(gate);
                }
                woken = false;
            }
            var stopping = Volatile.Read(ref closed) == 1;
            try
            {
                WriteUntilIdle(stopping);
            }
            catch (Exception ex)
            {
                // Not expected (each batch handles its own errors); the writer must not die with rows waiting on it.
                // It keeps the role and goes round again after a pause.
                Log.WriterFailed(logger, ex);
                Interlocked.Exchange(ref idle, 0);
                Thread.Sleep(100);
                lock (gate)
                {
                    woken = true;
                }
            }
            if (stopping)
            {
                return;
            }
        }
    }

    private void WriteUntilIdle(bool stopping)
    {
        while (true)
        {
            while (!queue.IsEmpty)
            {
                WriteNextBatch();
            }
            if (!stopping)
            {
                Thread.Sleep(BatchWindow);
                if (!queue.IsEmpty)
                {
                    continue;
                }
            }
            GoingIdle?.Invoke();
            // A full fence between giving up the role and the last look: a row queued after that look finds idle set
            // and wakes the writer; one queued before it is seen here.
            Interlocked.Exchange(ref idle, 1);
            if (queue.IsEmpty || Interlocked.Exchange(ref idle, 0) == 0)
            {
                return; // idle, or a caller has taken the role back and signalled
            }
        }
    }

    private void WriteNextBatch()
    {
        batch.Clear();
        while (batch.Count < MaxBatch && queue.TryDequeue(out var row))
        {
            batch.Add(row);
        }
        if (batch.Count == 0)
        {
            return;
        }
        BatchTaken?.Invoke(batch.Count);
        try
        {
            Write(batch);
        }
        catch (Exception ex)
        {
            // The transaction rolled back: none of the rows still waiting are in the log. A fresh connection next time.
            Log.BatchFailed(logger, ex, batch.Count);
            foreach (var row in batch)
            {
                row.TrySetException(ex);
            }
            insert?.Dispose();
            insert = null;
            connection?.Dispose();
            connection = null;
            batch.Clear();
            return;
        }
        batch.Clear();
        if (pagesSinceCheckpoint >= PagesPerCheckpoint)
        {
            Checkpoint();
        }
    }

    /// <summary>
    /// A RESTART checkpoint: copies the WAL back into the database, waits (SQLite's busy handler, up to 5 s) for readers
    /// still reading old frames, and makes the next commit start the WAL over. SQLite's automatic checkpoint is PASSIVE,
    /// which never lets the WAL start over while deliveries read the database all the time (their row checks): it
    /// grew by ~3 pages per row for good. Its fsyncs happen here, on the writer's thread: no delivery waits for them.
    /// </summary>
    private void Checkpoint()
    {
        try
        {
            using var command = connection!.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(RESTART);";
            using var result = command.ExecuteReader(); // busy, frames in the WAL, frames checkpointed
            if (result.Read() && result.GetInt64(0) == 0)
            {
                pagesSinceCheckpoint = 0;
                Checkpoints++;
            }
            else
            {
                // Readers or a writer held on past the busy timeout: the rows are committed; try again a little later
                // (not at the next commit, which would stall the writer for 5 s each time under such readers).
                pagesSinceCheckpoint = PagesPerCheckpoint / 2;
                Log.CheckpointBusy(logger);
            }
        }
        catch (Exception ex)
        {
            Log.CheckpointFailed(logger, ex);
        }
    }

    private void FailQueued(Exception? error = null)
    {
        while (queue.TryDequeue(out var row))
        {
            row.TrySetException(error ?? new ObjectDisposedException(nameof(DeliveryLog)));
        }
    }

    private void Write(List<PendingRow> batch)
    {
        if (connection is null)
        {
            var opened = DedicatedConnection.Open(dbFactory);
            try
            {
                // WAL with synchronous=NORMAL on this connection only: a commit is in the WAL file (the OS has it) but is
                // fsynced at the next checkpoint rather than at once. A power loss can lose the last log rows; it cannot
                // corrupt the database, and a crash of the process alone loses nothing committed. Credentials and alerts
                // are written by other connections and keep the file's FULL. (The bench measured fsync at 0.7-4 ms.)
                DedicatedConnection.Execute(opened, "PRAGMA synchronous=NORMAL;");
                // SQLite's own (PASSIVE) checkpoint only as a backstop, well past the writer's RESTART mark.
                DedicatedConnection.Execute(opened, $"PRAGMA wal_autocheckpoint={4 * PagesPerCheckpoint};");
                insert = opened.CreateCommand();
                insert.CommandText = InsertSql;
                foreach (var name in new[] { "$alertId", "$sentAtUtc", "$isTest", "$delivered", "$statusCode", "$attempts", "$durationMs",
                    "$error", "$method", "$url", "$headers" })
                {
                    insert.Parameters.Add(new SqliteParameter { ParameterName = name });
                }
                insert.Prepare();
            }
            catch
            {
                insert?.Dispose();
                insert = null;
                opened.Dispose();
                throw;
            }
            connection = opened;
        }

        var ids = new long[batch.Count];
        // A lone row needs no explicit transaction: its INSERT commits itself, two statements fewer.
        var transaction = batch.Count > 1 ? connection.BeginTransaction() : null; // BEGIN IMMEDIATE
        using (transaction)
        {
            insert!.Transaction = transaction;
            for (var i = 0; i < batch.Count; i++)
            {
                Bind(insert.Parameters, batch[i].Delivery);
                try
                {
                    ids[i] = (long)insert.ExecuteScalar()!;
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                {
                    // This row alone (e.g. its alert was deleted meanwhile): SQLite undid the statement, the transaction
                    // goes on. Any other error leaves the transaction in doubt and fails the whole batch (above).
                    batch[i].TrySetException(ex);
                    ids[i] = -1;
                }
            }
            transaction?.Commit();
        }
        Commits++;
        // A commit writes the table's page, the alert index's and sqlite_sequence's; rows of a batch share pages.
        pagesSinceCheckpoint += 3 + batch.Count / 16;
        for (var i = 0; i < batch.Count; i++)
        {
            if (ids[i] >= 0)
            {
                batch[i].Delivery.Id = ids[i];
                batch[i].TrySetResult();
            }
        }
    }

    /// <summary>The columns as EF maps them (WebhookDeliveryConfiguration); DateTime binds as EF writes it.</summary>
    private static void Bind(SqliteParameterCollection parameters, WebhookDelivery delivery)
    {
        parameters[0].Value = delivery.AlertId;
        parameters[1].Value = delivery.SentAtUtc;
        parameters[2].Value = delivery.IsTest;
        parameters[3].Value = delivery.Delivered;
        parameters[4].Value = (object?)delivery.StatusCode ?? DBNull.Value;
        parameters[5].Value = delivery.Attempts;
        parameters[6].Value = delivery.DurationMs;
        parameters[7].Value = (object?)delivery.Error ?? DBNull.Value;
        parameters[8].Value = delivery.Method;
        parameters[9].Value = delivery.Url;
        parameters[10].Value = delivery.Headers;
    }

    public async Task<DeliveryLogPage> ListAsync(int alertId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.AlertId == alertId);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(d => d.Id)
            .Skip(Math.Max(0, page) * pageSize).Take(Math.Clamp(pageSize, 1, 100))
            .ToListAsync(cancellationToken);
        return new DeliveryLogPage(items, total);
    }

    /// <summary>Writes what is queued, then closes the connection; later rows are refused.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref closed, 1) == 1)
        {
            return;
        }
        closing.TrySetResult();
        Thread? running;
        lock (gate)
        {
            running = writer;
            woken = true;
            Monitor.Pulse(gate);
        }
        // The writer writes everything queued before it saw the flag, then stops.
        running?.Join();
        Interlocked.Exchange(ref drained, 1);
        FailQueued(); // rows queued while it stopped (their callers fail them too if they come later)
        insert?.Dispose();
        connection?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A queued row and its caller's wait; continuations run off the writer's thread.</summary>
    private sealed class PendingRow(WebhookDelivery delivery) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public WebhookDelivery Delivery { get; } = delivery;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "The delivery log could not write {Count} row(s); their deliveries are not in the log.")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(Level = LogLevel.Warning, Message = "A checkpoint of the delivery log's WAL failed; the next commit tries again.")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Information,
            Message = "A checkpoint of the delivery log's WAL waited 5 s for readers and gave up; it is tried again shortly.")]
        public static partial void CheckpointBusy(ILogger logger);

        [LoggerMessage(Level = LogLevel.Error, Message = "The delivery log's writer failed; it carries on.")]
        public static partial void WriterFailed(ILogger logger, Exception exception);
    }
}
