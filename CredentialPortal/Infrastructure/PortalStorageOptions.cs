using CredentialPortal.Data;

namespace CredentialPortal.Infrastructure;

/// <summary>
/// Where the database and the file-system key ring live (Database:Provider, ConnectionStrings:Portal,
/// DataProtection:KeysPath). <see cref="DatabasePath"/> is the SQLite file; null on PostgreSQL.
/// </summary>
public sealed record PortalStorage(DatabaseProvider Provider, string ConnectionString, string? DatabasePath, string KeysPath)
{
    public PortalDatabase Database => new(Provider, ConnectionString);

    public static PortalStorage Resolve(IConfiguration configuration, string contentRoot)
    {
        var provider = DatabaseProviders.FromConfiguration(configuration);
        var configured = configuration.GetConnectionString("Portal");
        var keys = configuration["DataProtection:KeysPath"];
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(configured))
            {
                throw new InvalidOperationException(
                    "ConnectionStrings:Portal must name the PostgreSQL server when Database:Provider is Postgres (Host=...;Database=...;Username=...;Password=...).");
            }
            var postgresKeys = string.IsNullOrWhiteSpace(keys) ? Path.Combine(contentRoot, "App_Data", "keys") : Path.GetFullPath(keys, contentRoot);
            return new PortalStorage(provider, configured, null, postgresKeys);
        }

        var connection = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured)
                ? $"Data Source={Path.Combine(contentRoot, "App_Data", "portal.db")}"
                : configured);
        var databasePath = Path.GetFullPath(connection.DataSource, contentRoot);
        connection.DataSource = databasePath;

        var keysPath = string.IsNullOrWhiteSpace(keys)
            ? Path.Combine(Path.GetDirectoryName(databasePath)!, "keys")
            : Path.GetFullPath(keys, contentRoot);
        return new PortalStorage(provider, connection.ToString(), databasePath, keysPath);
    }

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates the database folder, the database file and the key ring folder readable by the service user only, and
    /// tightens them where an older start left them open. SQLite gives its -wal and -shm files the database file's
    /// mode, and every key file lives inside the owner-only key folder.
    /// </summary>
    public void CreateOwnerOnly()
    {
        var databaseFolder = Path.GetDirectoryName(DatabasePath ?? KeysPath)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(databaseFolder);
            Directory.CreateDirectory(KeysPath);
            return;
        }

        if (!Directory.Exists(databaseFolder))
        {
            Directory.CreateDirectory(databaseFolder, OwnerOnlyFolder);
        }
        Directory.CreateDirectory(KeysPath, OwnerOnlyFolder);
        File.SetUnixFileMode(KeysPath, OwnerOnlyFolder);
        foreach (var key in Directory.EnumerateFiles(KeysPath))
        {
            File.SetUnixFileMode(key, OwnerOnlyFile);
        }

        if (DatabasePath is null)
        {
            return;
        }
        if (!File.Exists(DatabasePath))
        {
            // An empty file is an empty SQLite database; creating it here fixes its mode before SQLite opens it.
            using var _ = new FileStream(DatabasePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile,
            });
        }
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            if (File.Exists(file))
            {
                File.SetUnixFileMode(file, OwnerOnlyFile);
            }
        }
    }

    /// <summary>Whether someone other than the service user can read the key ring folder or a key in it.</summary>
    public bool KeysReadableByOthers()
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(KeysPath))
        {
            return false;
        }
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        foreach (var path in Directory.EnumerateFiles(KeysPath).Prepend(KeysPath))
        {
            if ((File.GetUnixFileMode(path) & others) != 0)
            {
                return true;
            }
        }
        return false;
    }
}

public sealed class SeedOptions
{
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }

    /// <summary>When set, a Platform-scope API token with exactly this value is ensured at start-up (for automation).</summary>
    public string? ApiToken { get; set; }
}
