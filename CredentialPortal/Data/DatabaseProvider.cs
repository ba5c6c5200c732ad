namespace CredentialPortal.Data;

/// <summary>The engine under the portal (Database:Provider): SQLite in one file by default, or a PostgreSQL server.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DatabaseProviders
{
    public const string ConfigurationKey = "Database:Provider";

    /// <summary>Database:Provider, read once by the host; an unknown value stops the start-up with the accepted ones.</summary>
    public static DatabaseProvider FromConfiguration(IConfiguration configuration)
    {
        var value = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return DatabaseProvider.Sqlite;
        }
        return Enum.TryParse<DatabaseProvider>(value.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw new InvalidOperationException($"{ConfigurationKey} must be Sqlite or Postgres (was \"{value}\").");
    }
}

/// <summary>The configured engine and its connection string, as every part of the app that talks to the database sees them.</summary>
public sealed record PortalDatabase(DatabaseProvider Provider, string ConnectionString)
{
    public bool IsPostgres => Provider == DatabaseProvider.Postgres;
}
