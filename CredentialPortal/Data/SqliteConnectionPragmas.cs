using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CredentialPortal.Data;

/// <summary>
/// Per-connection SQLite settings, applied whenever EF opens a connection. Memory-mapped reads: SQLite's default page
/// cache (2 MiB per connection) is smaller than one pass over the credential list's indexes at 100,000 rows, so every
/// count and deep page re-read the file (the bench: a COUNT went from 1.2 to 0.07 ms).
/// <para>
/// synchronous=NORMAL: in WAL mode a commit is durable against a crash of the process (kill -9 loses nothing committed)
/// and is fsynced at the next checkpoint rather than at every commit; only a power loss can lose the last commits. Every
/// fire and every attempt is a commit, so this is what lets the delivery table keep up. busy_timeout: a writer that
/// finds the write lock taken waits in SQLite's own handler (milliseconds) rather than failing or sleeping 150 ms.
/// </para>
/// </summary>
public sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    public const string Sql = "PRAGMA mmap_size = 268435456; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
