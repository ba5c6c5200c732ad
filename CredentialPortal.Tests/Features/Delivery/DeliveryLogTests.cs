using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// The delivery log's writer: callers queue rows and go on, rows queued together share a transaction, each caller's
/// task completes only once its own row is committed (another connection sees it), and an error reaches exactly the
/// callers whose rows it kept out.
/// </summary>
public sealed class DeliveryLogTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private int alert;

    public async Task InitializeAsync()
    {
        database = await PortalTestDatabase.CreateAsync();
        alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert())).Id;
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    private WebhookDelivery Row(int? alertId = null, int status = 200) => new()
    {
        AlertId = alertId ?? alert,
        SentAtUtc = new DateTime(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc).AddTicks(status),
        IsTest = true,
        Delivered = status < 300,
        StatusCode = status,
        Attempts = 1,
        DurationMs = 12,
        Error = status < 300 ? null : $"HTTP {status}",
        Method = "POST",
        Url = "https://hooks.example/x?clientid=****",
        Headers = "Content-Type: application/json\nclientid: ****",
    };

    /// <summary>Holds SQLite's write lock from another connection until disposed, so that rows pile up in the queue.</summary>
    private async Task<SqliteConnection> HoldWriteLockAsync(string? sqlWhileHolding = null)
    {
        var connection = new SqliteConnection($"Data Source={database.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE;" + sqlWhileHolding;
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task ReleaseAsync(SqliteConnection holder)
    {
        await using (var command = holder.CreateCommand())
        {
            command.CommandText = "COMMIT;";
            await command.ExecuteNonQueryAsync();
        }
        await holder.DisposeAsync();
    }

    /// <summary>
    /// Completes once the writer has taken its next batch off the queue: from then on it waits for SQLite's write lock
    /// (while a test holds it), and the rows behind that batch stay queued.
    /// </summary>
    private Task WriterTakesBatchAsync()
    {
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        database.DeliveryLog.BatchTaken = _ =>
        {
            database.DeliveryLog.BatchTaken = null;
            taken.TrySetResult();
        };
        return taken.Task;
    }

    /// <summary>Queues the rows now (a call returns at once); the log's writer waits for the lock in SQLite.</summary>
    private List<(WebhookDelivery Row, Task Recorded)> RecordAll(IEnumerable<WebhookDelivery> rows) =>
        rows.Select(row => (row, database.DeliveryLog.RecordAsync(row))).ToList();

    private async Task<bool> IsCommittedAsync(long id)
    {
        // A connection of its own: sees only what is committed.
        await using var connection = new SqliteConnection($"Data Source={database.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM WebhookDeliveries WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    [Fact]
    public async Task Concurrent_rows_share_commits_and_each_is_committed_when_its_task_completes()
    {
        var holder = await HoldWriteLockAsync();
        var writing = WriterTakesBatchAsync();
        // Each caller looks for its row the moment its task completes, as the overview does after Send test.
        var calls = RecordAll(Enumerable.Range(0, 40).Select(i => Row(status: 200 + i))).Select(call => (call.Row, Seen: Task.Run(async () =>
        {
            await call.Recorded;
            return await IsCommittedAsync(call.Row.Id);
        }))).ToList();
        await writing; // the first row(s) wait for the lock, the rest are queued behind them
        Assert.All(calls, c => Assert.False(c.Seen.IsCompleted));
        await ReleaseAsync(holder);

        foreach (var (row, seen) in calls)
        {
            Assert.True(await seen, $"row {row.Id} was not committed when its call returned");
        }
        Assert.InRange(database.DeliveryLog.Commits, 1, 3); // one for the first row, then the rest together
        Assert.Equal(40, calls.Select(c => c.Row.Id).Distinct().Count());
    }

    [Fact]
    public async Task Rows_read_back_through_ef_exactly_as_written()
    {
        var written = Row(status: 503);
        await database.DeliveryLog.RecordAsync(written);
        var ok = Row();
        ok.StatusCode = null;
        await database.DeliveryLog.RecordAsync(ok);

        var page = await database.DeliveryLog.ListAsync(alert, 0, 10);

        Assert.Equal(2, page.TotalCount);
        Assert.Equivalent(ok, page.Items[0]); // newest first
        Assert.Equivalent(written, page.Items[1]);
    }

    [Fact]
    public async Task A_refused_row_fails_its_own_caller_and_the_rest_of_its_batch_is_committed()
    {
        var holder = await HoldWriteLockAsync();
        var writing = WriterTakesBatchAsync();
        var calls = RecordAll([Row(), Row(status: 201), Row(alertId: 999_999), Row(status: 202)]);
        await writing;
        await ReleaseAsync(holder);

        var refused = await Assert.ThrowsAsync<SqliteException>(() => calls[2].Recorded);
        Assert.Equal(19, refused.SqliteErrorCode); // FOREIGN KEY constraint: there is no such alert
        foreach (var (row, recorded) in calls.Where((_, i) => i != 2))
        {
            await recorded;
            Assert.True(await IsCommittedAsync(row.Id));
        }
        Assert.Equal(3, (await database.DeliveryLog.ListAsync(alert, 0, 10)).TotalCount);
    }

    [Fact]
    public async Task A_lone_refused_row_fails_its_caller_and_the_next_row_is_written()
    {
        var refused = await Assert.ThrowsAsync<SqliteException>(() => database.DeliveryLog.RecordAsync(Row(alertId: 999_999)));
        Assert.Equal(19, refused.SqliteErrorCode);

        var next = Row();
        await database.DeliveryLog.RecordAsync(next);
        Assert.True(await IsCommittedAsync(next.Id));
        Assert.Equal(1, (await database.DeliveryLog.ListAsync(alert, 0, 10)).TotalCount);
    }

    [Fact]
    public async Task A_failing_batch_surfaces_its_error_to_every_caller_in_it_and_the_log_recovers()
    {
        // The table disappears while rows wait: the batch's transaction fails as a whole.
        var holder = await HoldWriteLockAsync("ALTER TABLE WebhookDeliveries RENAME TO WebhookDeliveriesAway;");
        var writing = WriterTakesBatchAsync();
        var calls = RecordAll(Enumerable.Range(0, 5).Select(i => Row(status: 200 + i)));
        await writing;
        await ReleaseAsync(holder);

        foreach (var (_, recorded) in calls)
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => recorded);
            Assert.Contains("WebhookDeliveries", error.Message);
        }

        await using (var db = await database.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE WebhookDeliveriesAway RENAME TO WebhookDeliveries;");
            Assert.Equal(0, await db.WebhookDeliveries.CountAsync());
        }
        var later = Row();
        await database.DeliveryLog.RecordAsync(later); // a fresh connection and statement
        Assert.True(await IsCommittedAsync(later.Id));
    }

    [Fact]
    public async Task Disposing_writes_what_is_queued_and_refuses_later_rows()
    {
        var holder = await HoldWriteLockAsync();
        var writing = WriterTakesBatchAsync();
        var calls = RecordAll(Enumerable.Range(0, 3).Select(i => Row(status: 200 + i)));
        await writing;
        var disposing = Task.Run(() => database.DeliveryLog.Dispose());
        await database.DeliveryLog.Closing; // Dispose has begun and now waits for the writer, which waits for the lock
        // A row offered while Dispose waits for the writer is refused, and only that row.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => database.DeliveryLog.RecordAsync(Row()));
        await ReleaseAsync(holder);
        await disposing;

        Assert.All(calls, call => Assert.True(call.Recorded.IsCompletedSuccessfully, "Dispose returned before a queued row was written"));
        foreach (var (row, _) in calls)
        {
            Assert.True(await IsCommittedAsync(row.Id));
        }
        await Assert.ThrowsAsync<ObjectDisposedException>(() => database.DeliveryLog.RecordAsync(Row()));
    }

    [Fact]
    public async Task A_caller_does_not_wait_for_the_write_its_row_is_committed_in_the_background()
    {
        var holder = await HoldWriteLockAsync();
        var writing = WriterTakesBatchAsync();
        var row = Row();

        // Another connection holds the write lock: the call still returns at once (the writer waits, not the caller).
        var returned = System.Diagnostics.Stopwatch.StartNew();
        var recorded = database.DeliveryLog.RecordAsync(row);
        Assert.InRange(returned.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        await writing;
        Assert.False(recorded.IsCompleted);

        await ReleaseAsync(holder);
        await recorded.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await IsCommittedAsync(row.Id));
    }

    [Fact]
    public async Task Rows_that_arrive_as_the_writer_goes_idle_are_still_written()
    {
        // Each next row is offered at the very moment the writer is about to give up its role (from the writer's own
        // thread, just before it goes idle): the caller finds it still working and does not wake it, so a lost wake-up
        // would leave that row waiting until the next one (here: never, and the chain stops).
        const int Chained = 100;
        var last = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var offered = 0;
        database.DeliveryLog.GoingIdle = () =>
        {
            var n = ++offered; // the writer's thread only
            if (n < Chained)
            {
                _ = database.DeliveryLog.RecordAsync(Row());
            }
            else if (n == Chained)
            {
                last.TrySetResult(database.DeliveryLog.RecordAsync(Row()));
            }
        };

        await database.DeliveryLog.RecordAsync(Row()).WaitAsync(TimeSpan.FromSeconds(10));
        await (await last.Task.WaitAsync(TimeSpan.FromSeconds(10))).WaitAsync(TimeSpan.FromSeconds(10));
        database.DeliveryLog.GoingIdle = null;

        // And rows offered back to back from another thread, around whatever the writer is doing then.
        for (var i = 0; i < 100; i++)
        {
            await database.DeliveryLog.RecordAsync(Row()).WaitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(1 + Chained + 100, (await database.DeliveryLog.ListAsync(alert, 0, 1)).TotalCount);
    }

    [Fact]
    public async Task A_steady_stream_of_rows_does_not_grow_the_wal_without_bound()
    {
        // Lone commits back to back (about 3 pages each), while another connection reads the log all along, as the row
        // checks of concurrent deliveries do: SQLite's automatic (PASSIVE) checkpoint alone never lets the WAL start
        // over under such readers; the writer's RESTART checkpoints do.
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            await using var connection = new SqliteConnection($"Data Source={database.DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM WebhookDeliveries WHERE AlertId = $alert";
            command.Parameters.AddWithValue("$alert", alert);
            while (!stop.IsCancellationRequested)
            {
                await command.ExecuteScalarAsync();
                reads++;
            }
        });
        // Not a multiple of the checkpoint interval: the last checkpoint is over before the last rows are written.
        for (var i = 0; i < 1600; i++)
        {
            await database.DeliveryLog.RecordAsync(Row());
        }
        await stop.CancelAsync();
        await reader;
        Assert.True(reads > 0);

        await using var connection = new SqliteConnection($"Data Source={database.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);"; // busy, frames in the WAL, frames checkpointed
        await using var result = await command.ExecuteReaderAsync();
        Assert.True(await result.ReadAsync());
        Assert.Equal(1600, database.DeliveryLog.Commits);
        Assert.True(database.DeliveryLog.Checkpoints >= 1, "no RESTART checkpoint completed");
        Assert.InRange(result.GetInt64(1), 1, 2500); // 3 pages a commit (table, index, sqlite_sequence): 4,800 if it never started over
    }
}
