using CredentialPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Delivery;

/// <summary>
/// Checkpoints the WAL for the delivery log's writer, on a thread of its own. A checkpoint fsyncs the WAL and the
/// database file (the bench saw 7-13 ms here); run by the committing connection, as SQLite's automatic checkpoint is,
/// it would stall whichever delivery happened to commit the 1000th page. A PASSIVE checkpoint blocks no reader or
/// writer.
/// <para>
/// But PASSIVE alone never lets the WAL start over: SQLite rewinds it only when a write begins with every frame
/// already copied back, and under a steady stream of log rows new frames always arrive while the checkpoint fsyncs.
/// The bench grew the WAL past 500 MB in half a minute, and every read and write got slower with it (the WAL index
/// is searched per page). So every so often the checkpoint is a RESTART, which waits for the writer (SQLite's busy
/// handler), copies what is left and makes the next commit rewind the WAL: one short stall of the log writer now and
/// then, a WAL bounded at a few thousand pages.
/// </para>
/// </summary>
internal sealed class WalCheckpointer(IDbContextFactory<PortalDbContext> dbFactory) : IDisposable
{
    private readonly AutoResetEvent signal = new(false);
    private readonly Lock start = new();
    private Thread? thread;
    private volatile bool stopping;
    private volatile bool restartNext;
    private int restarts;

    /// <summary>RESTART checkpoints run so far (tests).</summary>
    internal int Restarts => Volatile.Read(ref restarts);

    /// <summary>Asks for a checkpoint soon (a RESTART if <paramref name="restart"/>); requests made while one runs fold into the next.</summary>
    public void Request(bool restart = false)
    {
        if (restart)
        {
            restartNext = true;
        }
        if (thread is null)
        {
            lock (start)
            {
                if (thread is null && !stopping)
                {
                    thread = new Thread(Run) { IsBackground = true, Name = "Delivery log WAL checkpoints" };
                    thread.Start();
                }
            }
        }
        signal.Set();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        while (true)
        {
            signal.WaitOne();
            if (stopping)
            {
                break;
            }
            try
            {
                connection ??= DedicatedConnection.Open(dbFactory);
                var restart = restartNext;
                restartNext = false;
                // A RESTART that meets a long reader gives up after the busy timeout: the next one tries again.
                DedicatedConnection.Execute(connection, restart ? "PRAGMA wal_checkpoint(RESTART);" : "PRAGMA wal_checkpoint(PASSIVE);");
                if (restart)
                {
                    Interlocked.Increment(ref restarts);
                }
            }
            catch (Exception)
            {
                // Not fatal: the writer's own automatic checkpoint (at a higher mark) still bounds the WAL. Reopen next time.
                connection?.Dispose();
                connection = null;
            }
        }
        connection?.Dispose();
    }

    public void Dispose()
    {
        lock (start)
        {
            stopping = true;
        }
        signal.Set();
        thread?.Join();
        signal.Dispose();
    }
}
