using System.Text;
using CredentialPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// Looks for text in what a test database stores: on SQLite the raw bytes of its file and its -wal, as UTF-8 and UTF-16;
/// on PostgreSQL every row of every table, read as text.
/// </summary>
public static class StoredTextScan
{
    public static bool IsStored(PortalTestDatabase database, string text)
    {
        if (TestProvider.IsPostgres)
        {
            return IsInAnyRow(database.Services.GetRequiredService<PortalDatabase>().ConnectionString, text);
        }
        using var keep = KeepFiles(database);
        var files = new[] { database.DatabasePath + "-wal", database.DatabasePath }.Where(File.Exists).ToArray();
        Assert.NotEmpty(files);
        return files.Select(File.ReadAllBytes).Any(bytes =>
            bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0);
    }

    /// <summary>
    /// On SQLite, an open connection outside the pool until disposed: SQLite folds the -wal into the file and deletes it
    /// when a database's last connection closes, which a parallel test's <c>SqliteConnection.ClearAllPools()</c> brings
    /// about for every database at once; a scan between seeing the -wal and reading it would then fail or miss it.
    /// Null on PostgreSQL.
    /// </summary>
    public static SqliteConnection? KeepFiles(PortalTestDatabase database)
    {
        if (TestProvider.IsPostgres)
        {
            return null;
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        // A connection counts once it has read: opening alone does not join it to the -wal.
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT count(*) FROM sqlite_master";
        read.ExecuteScalar();
        return connection;
    }

    public static void AssertAbsent(PortalTestDatabase database, params string[] values)
    {
        foreach (var value in values)
        {
            Assert.False(IsStored(database, value), $"'{value}' is stored in plaintext");
        }
    }

    private static bool IsInAnyRow(string connectionString, string text)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var tables = new List<string>();
        using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.NotEmpty(tables);
        foreach (var table in tables)
        {
            using var find = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM \"{table}\" t WHERE strpos(t::text, @text) > 0)", connection);
            find.Parameters.AddWithValue("text", text);
            if ((bool)find.ExecuteScalar()!)
            {
                return true;
            }
        }
        return false;
    }
}
