namespace CredentialPortal.Infrastructure;

/// <summary>Where the SQLite file and the Data Protection key ring live (ConnectionStrings:Portal, DataProtection:KeysPath).</summary>
public sealed record PortalStorage(string ConnectionString, string DatabasePath, string KeysPath)
{
    public static PortalStorage Resolve(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration.GetConnectionString("Portal");
        var connection = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured)
                ? $"Data Source={Path.Combine(contentRoot, "App_Data", "portal.db")}"
                : configured);
        var databasePath = Path.GetFullPath(connection.DataSource, contentRoot);
        connection.DataSource = databasePath;

        var keys = configuration["DataProtection:KeysPath"];
        var keysPath = string.IsNullOrWhiteSpace(keys)
            ? Path.Combine(Path.GetDirectoryName(databasePath)!, "keys")
            : Path.GetFullPath(keys, contentRoot);
        return new PortalStorage(connection.ToString(), databasePath, keysPath);
    }
}

public sealed class SeedOptions
{
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
}
