using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CredentialPortal.Data;

/// <summary>
/// Per-connection SQLite settings, applied whenever EF opens a connection. Memory-mapped reads: SQLite's default page
/// cache (2 MiB per connection) is smaller than one pass over the credential list's indexes at 100,000 rows, so every
/// count and deep page re-read the file (the bench: a COUNT went from 1.2 to 0.07 ms).
/// </summary>
public sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    public const string Sql = "PRAGMA mmap_size = 268435456;";

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
