using Npgsql;

namespace CredentialPortal.E2E.Deployment;

/// <summary>The PostgreSQL server the deployment tests use, and a fresh database on it per deployment.</summary>
public static class PostgresServer
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES");

    /// <summary>Creates an empty database (the instances migrate it at start-up); returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ToString();
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static string Server => ConnectionString is { Length: > 0 } server
        ? server
        : throw new InvalidOperationException("PORTAL_TEST_POSTGRES is not set.");
}
