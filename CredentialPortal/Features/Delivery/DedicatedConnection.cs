using CredentialPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Delivery;

/// <summary>
/// A long-lived SQLite connection of the delivery path's own (the log writer, the target reader), to the app's
/// database file: unpooled, so that its per-connection settings never reach another user of the pool and it closes
/// for real when the app stops.
/// </summary>
internal static class DedicatedConnection
{
    /// <summary>Synchronous: Microsoft.Data.Sqlite does its work synchronously either way.</summary>
    public static SqliteConnection Open(IDbContextFactory<PortalDbContext> dbFactory)
    {
        string connectionString;
        using (var db = dbFactory.CreateDbContext())
        {
            connectionString = db.Database.GetConnectionString()
                ?? throw new InvalidOperationException("The portal's database has no connection string.");
        }
        // Foreign keys on, as EF's connections have them: a log row for a deleted alert is refused, not orphaned.
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false, ForeignKeys = true };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            // Wait in SQLite's own busy handler (milliseconds) when another connection holds the write lock, rather than
            // in Microsoft.Data.Sqlite's retry, which sleeps 150 ms between tries.
            Execute(connection, "PRAGMA busy_timeout=5000;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
