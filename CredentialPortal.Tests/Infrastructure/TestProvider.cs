using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// Which engine the suite runs on: SQLite files by default; PostgreSQL when PORTAL_TEST_PROVIDER=Postgres, on the server
/// PORTAL_TEST_POSTGRES names (scripts/postgres.sh start prints it). Each test gets its own database, copied from a
/// template migrated once per run, and drops it at the end. Tests about SQLite itself carry [Trait("Provider", "Sqlite")]
/// and are left out of the PostgreSQL run.
/// </summary>
public static class TestProvider
{
    public static DatabaseProvider Current { get; } =
        string.Equals(Environment.GetEnvironmentVariable("PORTAL_TEST_PROVIDER"), "Postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public static bool IsPostgres => Current == DatabaseProvider.Postgres;

    private static readonly Lazy<string> Template = new(CreateTemplate);

    private static string Server => Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES") is { Length: > 0 } server
        ? server
        : throw new InvalidOperationException("PORTAL_TEST_PROVIDER=Postgres needs PORTAL_TEST_POSTGRES, the server's connection string (scripts/postgres.sh start prints one).");

    /// <summary>The database a test folder uses: a file in it on SQLite, a database named after it on PostgreSQL.</summary>
    public static PortalDatabase DatabaseFor(string folder, string sqliteFile) => IsPostgres
        ? new PortalDatabase(DatabaseProvider.Postgres, ConnectionString(NameFor(folder)))
        : new PortalDatabase(DatabaseProvider.Sqlite, $"Data Source={sqliteFile}");

    /// <summary>The app's settings for that database (Database:Provider and ConnectionStrings:Portal).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> SettingsFor(string folder, string sqliteFile)
    {
        var database = DatabaseFor(folder, sqliteFile);
        yield return new(DatabaseProviders.ConfigurationKey, database.Provider.ToString());
        yield return new("ConnectionStrings:Portal", database.ConnectionString);
    }

    /// <summary>On PostgreSQL, creates the folder's database as a copy of the migrated template (once; later calls keep it).</summary>
    public static void EnsureDatabase(string folder)
    {
        if (!IsPostgres)
        {
            return;
        }
        var template = Template.Value;
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{NameFor(folder)}'", connection);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{NameFor(folder)}\" TEMPLATE \"{template}\"", connection);
            create.ExecuteNonQuery();
        }
    }

    /// <summary>Drops the test's database (PostgreSQL) and deletes its temp folder, best effort: a file still held open, or a
    /// folder never made, must not fail the test; the folder is unique to it.</summary>
    public static void DeleteTestData(string folder)
    {
        DropDatabase(folder);
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort (see above).
        }
    }

    private static void DropDatabase(string folder)
    {
        if (!IsPostgres)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{NameFor(folder)}\" WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }

    private static string NameFor(string folder) => "cpt_" + Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)).ToLowerInvariant();

    private static string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(Server) { Database = database }.ToString();

    private static string CreateTemplate()
    {
        var name = $"cpt_template_{Environment.ProcessId}";
        using (var connection = new NpgsqlConnection(Server))
        {
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            create.ExecuteNonQuery();
        }
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(ConnectionString(name)).Options;
        using (var db = new PostgresPortalDbContext(options))
        {
            db.Database.Migrate();
        }
        // A template must have no open connection when it is copied.
        NpgsqlConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                using var connection = new NpgsqlConnection(Server);
                connection.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
            }
            catch (NpgsqlException)
            {
                // The server may be gone already; the next run drops its own template anyway.
            }
        };
        return name;
    }
}
