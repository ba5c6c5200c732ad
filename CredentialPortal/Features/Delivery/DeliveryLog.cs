using System.Collections.Concurrent;
using CredentialPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Delivery;

public sealed record DeliveryLogPage(IReadOnlyList<WebhookDelivery> Items, int TotalCount);

/// <summary>
/// Writes each delivery into its alert's log and reads the log, newest first, a page at a time.
/// <para>
/// Writes are group-committed: callers queue their row, and one writer at a time inserts everything queued so far in
/// one transaction, with a prepared statement on a connection of its own. The writer is whichever caller finds none at
/// work, on its own thread, so a lone delivery pays no hand-off; rows arriving meanwhile go into its next transaction.
/// Each caller still returns only once its own row is committed (the overview reads the log right after Send test
/// returns), or gets the error that kept it out. SQLite is synchronous underneath either way (as EF's SaveChangesAsync
/// was); the writer waits for another connection's write lock in SQLite's busy handler, up to 5 s.
/// </para>
/// </summary>
public sealed class DeliveryLog(IDbContextFactory<PortalDbContext> dbFactory) : IAsyncDisposable, IDisposable
{
    /// <summary>Rows per transaction at most: bounds how long the write lock is held.</summary>
    internal const int MaxBatch = 256;

    /// <summary>Batches one caller writes for others before handing the rest to a pool thread.</summary>
    private const int BatchesPerCaller = 2;

    private const int SqliteConstraint = 19;

    /// <summary>SQLite's default automatic checkpoint mark, in pages.</summary>
    private const int CheckpointPages = 1000;

    /// <summary>A commit of one row writes about 3 pages (table, two indexes): a checkpoint about every 1000 pages.</summary>
    private const int CommitsPerCheckpoint = 300;

    /// <summary>Every tenth checkpoint a RESTART, which lets the WAL start over (WalCheckpointer): at most ~10,000 pages.</summary>
    internal const int CheckpointsPerRestart = 10;

    private const string InsertSql = """
        INSERT INTO WebhookDeliveries (AlertId, SentAtUtc, IsTest, Delivered, StatusCode, Attempts, DurationMs, Error, Method, Url, Headers)
        VALUES ($alertId, $sentAtUtc, $isTest, $delivered, $statusCode, $attempts, $durationMs, $error, $method, $url, $headers)
        RETURNING Id;
        """;

    private readonly ConcurrentQueue<PendingRow> queue = new();
    private readonly WalCheckpointer checkpoints = new(dbFactory);
    private readonly List<PendingRow> batch = new(MaxBatch);
    private int writing; // 1 while some thread is the writer
    private int closed;
    private SqliteConnection? connection;
    private SqliteCommand? insert;

    /// <summary>The WAL file of the database (tests: its size stays bounded).</summary>
    internal WalCheckpointer Checkpoints => checkpoints;

    /// <summary>Number of transactions committed so far (tests: concurrent rows share them).</summary>
    internal int Commits { get; private set; }

    /// <summary>
    /// Returns once the row is committed (its Id set), or throws what kept it out. A row already queued is written even
    /// if <paramref name="cancellationToken"/> fires afterwards, so that the caller is never told "cancelled" about a
    /// row that is in the log.
    /// </summary>
    public Task RecordAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingRow(delivery);
        queue.Enqueue(pending);
        if (Volatile.Read(ref closed) == 1)
        {
            FailQueued(new ObjectDisposedException(nameof(DeliveryLog)));
        }
        else
        {
            // Mostly the caller writes its own row, on its own thread, with no hand-off; while another caller is
            // writing, that one takes this row into its next transaction.
            Drain(BatchesPerCaller);
        }
        return pending.Task;
    }

    /// <summary>
    /// Whoever finds no writer becomes it and writes everything queued, a transaction per batch. A row queued while
    /// the writer was finishing is seen by the check after the writer lets go (the exchange is a full fence).
    /// </summary>
    private void Drain(int maxBatches)
    {
        while (!queue.IsEmpty && Interlocked.CompareExchange(ref writing, 1, 0) == 0)
        {
            try
            {
                for (var written = 0; !queue.IsEmpty; written++)
                {
                    if (written == maxBatches)
                    {
                        // Enough for one caller, whose own row is long committed: a pool thread carries on.
                        ThreadPool.QueueUserWorkItem(static log => log.Drain(int.MaxValue), this, preferLocal: false);
                        return;
                    }
                    WriteNextBatch();
                }
            }
            finally
            {
                Interlocked.Exchange(ref writing, 0);
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
        try
        {
            Write(batch);
        }
        catch (Exception ex)
        {
            // The transaction rolled back: none of the rows still waiting are in the log. A fresh connection next time.
            foreach (var row in batch)
            {
                row.TrySetException(ex);
            }
            insert?.Dispose();
            insert = null;
            connection?.Dispose();
            connection = null;
        }
        batch.Clear();
    }

    private void FailQueued(Exception error)
    {
        while (queue.TryDequeue(out var row))
        {
            row.TrySetException(error);
        }
    }

    private void Write(List<PendingRow> batch)
    {
        if (connection is null)
        {
            var opened = DedicatedConnection.Open(dbFactory);
            // WAL with synchronous=NORMAL on this connection only: a commit is in the WAL file (the OS has it) but is
            // fsynced at the next checkpoint rather than at once. A power loss can lose the last log rows; it cannot
            // corrupt the database, and a crash of the process alone loses nothing. Credentials and alerts are written
            // by other connections and keep the file's FULL. (The bench measured fsync at 0.7-4 ms per commit.)
            DedicatedConnection.Execute(opened, "PRAGMA synchronous=NORMAL;");
            // Checkpoints run on their own thread (WalCheckpointer); this connection checkpoints only if that one falls
            // far behind, so that the WAL stays bounded whatever happens to it.
            DedicatedConnection.Execute(opened, $"PRAGMA wal_autocheckpoint={4 * CheckpointPages};");
            insert = opened.CreateCommand();
            insert.CommandText = InsertSql;
            foreach (var name in new[] { "$alertId", "$sentAtUtc", "$isTest", "$delivered", "$statusCode", "$attempts", "$durationMs", "$error",
                "$method", "$url", "$headers" })
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            connection = opened;
            insert.Prepare();
        }

        var ids = new long[batch.Count];
        // A lone row needs no explicit transaction: its INSERT commits itself, two statements fewer for a lone delivery.
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
        if (Commits % CommitsPerCheckpoint == 0)
        {
            checkpoints.Request(restart: Commits % (CommitsPerCheckpoint * CheckpointsPerRestart) == 0);
        }
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
        var wait = new SpinWait();
        while (Interlocked.CompareExchange(ref writing, 1, 0) != 0)
        {
            wait.SpinOnce(); // the current writer finishes its batch
        }
        // Kept as the writer for good: nothing writes after this.
        while (!queue.IsEmpty)
        {
            WriteNextBatch();
        }
        insert?.Dispose();
        connection?.Dispose();
        checkpoints.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A queued row and its caller's wait; other callers' continuations run off the writer's thread.</summary>
    private sealed class PendingRow(WebhookDelivery delivery) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public WebhookDelivery Delivery { get; } = delivery;
    }
}
