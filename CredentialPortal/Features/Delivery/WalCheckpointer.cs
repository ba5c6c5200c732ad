using CredentialPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Delivery;

/// <summary>
/// Checkpoints the WAL for the delivery log's writer, on a thread of its own. A checkpoint fsyncs the WAL and the
/// database file (the bench saw 7-13 ms here); run by the committing connection, as SQLite's automatic checkpoint is,
/// it would stall whichever delivery happened to commit the 1000th page. A PASSIVE checkpoint blocks no reader or
/// writer.
/// </summary>
internal sealed class WalCheckpointer(IDbContextFactory<PortalDbContext> dbFactory) : IDisposable
{
    private readonly AutoResetEvent signal = new(false);
    private readonly Lock start = new();
    private Thread? thread;
    private volatile bool stopping;

    /// <summary>Asks for a checkpoint soon; requests made while one runs fold into the next.</summary>
    public void Request()
    {
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
                DedicatedConnection.Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
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
