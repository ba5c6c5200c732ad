using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using CredentialPortal.Data;
using CredentialPortal.Infrastructure;
using CredentialPortal.Features.Credentials;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace CredentialPortal.Bench;

/// <summary>
/// The bench's database, migrated as the app does at start-up, with the app's services over it (the same registrations
/// as <c>PortalHosting.AddPortal</c>, minus the web parts): a SQLite file in a folder, or (see <see cref="BenchProvider"/>)
/// a database of its own on a PostgreSQL server, named after the folder. The folder holds the key ring either way.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    /// <summary>The purpose string of <see cref="CredentialService"/>'s protector: GetForEditAsync must be able to unprotect the fill.</summary>
    private const string ProtectorPurpose = "CredentialPortal.Credentials.v1";

    /// <summary>How EF Core's SQLite provider writes a DateTime (TEXT that sorts like the value).</summary>
    private const string SqliteDateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    // Words that integration names are made of; fixed so that the search fragments below hit known shares of rows.
    private static readonly string[] Words =
    [
        "alpha", "billing", "cloud", "customer", "data", "delta", "edge", "events", "finance", "gateway",
        "github", "hooks", "inventory", "invoice", "jira", "ledger", "logistics", "mail", "marketing", "metrics",
        "monitor", "notify", "orders", "partner", "payments", "payroll", "pipeline", "portal", "prod", "queue",
        "reports", "sales", "search", "security", "service", "shipping", "slack", "staging", "storage", "stripe",
        "support", "sync", "teams", "tenant", "test", "ticket", "tracking", "vault", "warehouse", "webhook",
    ];

    /// <summary>Fixed, so that every run fills the same names, types and dates.</summary>
    public const int Seed = 20261124;

    private BenchDatabase(string folder, PortalDatabase database, ServiceProvider services, CommandRecorder recorder)
    {
        Folder = folder;
        Database = database;
        Services = services;
        Recorder = recorder;
    }

    public string Folder { get; }
    public PortalDatabase Database { get; }
    public bool IsPostgres => Database.IsPostgres;
    public string ConnectionString => Database.ConnectionString;
    public string DatabasePath => Path.Combine(Folder, "portal.db");
    public string KeysPath => Path.Combine(Folder, "keys");

    /// <summary>Where the data is, for messages: the file, or the database on the server.</summary>
    public string Location => LocationOf(Folder);

    /// <summary>Where the data of the run in <paramref name="folder"/> is, for messages.</summary>
    public static string LocationOf(string folder) => BenchProvider.Current == DatabaseProvider.Postgres
        ? $"PostgreSQL database {PostgresName(folder)}"
        : Path.Combine(folder, "portal.db");

    /// <summary>Leave the folder (and the PostgreSQL database) in place on dispose, for a look afterwards.</summary>
    public bool Keep { get; set; }
    public ServiceProvider Services { get; }
    public CommandRecorder Recorder { get; }
    public CredentialService Credentials => Services.GetRequiredService<CredentialService>();

    /// <summary>A new folder under the temp folder (and database), deleted on dispose unless <see cref="Keep"/> is set.</summary>
    public static Task<BenchDatabase> CreateAsync() => OpenAsync(NewFolder());

    public static string NewFolder() => Path.Combine(Path.GetTempPath(), "credportal-bench", Guid.NewGuid().ToString("N"));

    /// <summary>Names the folder of the database that every benchmark of a run reads (set by Program, inherited by benchmark processes).</summary>
    public const string SharedFolderVariable = "CREDPORTAL_BENCH_FOLDER";

    /// <summary>
    /// The run's shared database: the first benchmark's setup fills it, the next ones (in this process or in later ones)
    /// open it as it is. Program deletes it when the run ends.
    /// </summary>
    public static async Task<BenchDatabase> OpenSharedAsync(int rows)
    {
        var folder = Environment.GetEnvironmentVariable(SharedFolderVariable)
            ?? throw new InvalidOperationException($"{SharedFolderVariable} is not set: run the benchmarks through the bench's Program.");
        var database = await OpenAsync(folder);
        database.Keep = true;
        var filled = Path.Combine(folder, "filled");
        if (!File.Exists(filled))
        {
            await database.PrepareAsync(rows, analyze: true);
            await File.WriteAllTextAsync(filled, rows.ToString(CultureInfo.InvariantCulture));
        }
        return database;
    }

    /// <summary>The database of <paramref name="folder"/> (created and migrated when new), with the app's services over it.</summary>
    public static async Task<BenchDatabase> OpenAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        PortalDatabase target;
        if (BenchProvider.Current == DatabaseProvider.Postgres)
        {
            await CreatePostgresDatabaseAsync(PostgresName(folder));
            target = new PortalDatabase(DatabaseProvider.Postgres,
                new NpgsqlConnectionStringBuilder(BenchProvider.Server) { Database = PostgresName(folder) }.ToString());
        }
        else
        {
            target = new PortalDatabase(DatabaseProvider.Sqlite,
                new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "portal.db") }.ToString());
        }
        var recorder = new CommandRecorder();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        // A model change whose migration is still being written elsewhere must not stop the bench: it migrates
        // what exists and says so (see below); the Credentials schema is what it measures.
        services.AddPortalDomain(new ConfigurationBuilder().Build(), target,
            Path.Combine(folder, "keys"), o => o.AddInterceptors(recorder)
                .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)));
        var provider = services.BuildServiceProvider(validateScopes: true);

        var database = new BenchDatabase(folder, target, provider, recorder);
        try
        {
            // The factory makes the provider's own context type, which carries that provider's migrations.
            await using var db = await provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            if (db.Database.HasPendingModelChanges())
            {
                Console.WriteLine("NOTE: the model has changes that no migration creates yet; the bench applies the existing migrations.");
            }
            await db.Database.MigrateAsync();
            if (!target.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
        return database;
    }

    /// <summary>A connection of its own to the database, opened, with the settings the app's connections get (SQLite's pragmas).</summary>
    public async Task<DbConnection> OpenConnectionAsync()
    {
        DbConnection connection = IsPostgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        if (!IsPostgres)
        {
            // The app's connections map the file into memory (a non-query, so not recorded): a raw one does the same,
            // or a comparison would measure page cache misses, not the SQL.
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = SqliteConnectionPragmas.Sql;
            await pragmas.ExecuteNonQueryAsync();
        }
        return connection;
    }

    /// <summary>One credential row of the fill.</summary>
    private sealed record FillRow(string Name, CredentialType Type, int Location, DateTime CreatedUtc, DateTime LastModifiedUtc);

    /// <summary>The same rows for the same seed on either engine.</summary>
    private static IEnumerable<FillRow> FillRows(int rows, int seed)
    {
        var random = new Random(seed);
        // A random permutation of time slots: LastModifiedUtc values are distinct and not in Id order.
        var slots = Enumerable.Range(0, rows).ToArray();
        random.Shuffle(slots);
        var yearStart = new DateTime(2025, 11, 24, 0, 0, 0, DateTimeKind.Utc);
        var slotTicks = TimeSpan.FromDays(365).Ticks / rows;
        for (var i = 0; i < rows; i++)
        {
            var first = Words[random.Next(Words.Length)];
            var name = $"{char.ToUpperInvariant(first[0])}{first[1..]} {Words[random.Next(Words.Length)]} {random.Next(1, 1000)}";
            var type = random.Next(2) == 0 ? CredentialType.ClientId : CredentialType.ClientIdAndSecret;
            var location = random.Next(1, 3);
            // The jitter stays inside the slot, so values stay distinct; creation precedes the last change by up to 60 days.
            var lastModified = yearStart.AddTicks(slots[i] * slotTicks + random.NextInt64(slotTicks));
            var created = lastModified.AddTicks(-random.NextInt64(TimeSpan.FromDays(60).Ticks));
            yield return new FillRow(name, type, location, created, lastModified);
        }
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> credentials in bulk: going through CreateAsync would encrypt and save one row at a
    /// time. SQLite: one prepared command in one transaction (the FTS triggers fill the name index as rows go in);
    /// PostgreSQL: one binary COPY.
    /// </summary>
    public async Task FillAsync(int rows, int seed)
    {
        // Real Data Protection payloads, computed once: every row carries ciphertext of the true size and format.
        var protector = Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProtectorPurpose);
        var secrets = new FillSecrets(
            protector.Protect("bench-client-id-0001"),
            // What the service stores beside the ciphertext when it saves these values.
            CredentialHint.Of("bench-client-id-0001"),
            protector.Protect("bench-secret-value-0001"),
            CredentialHint.Of("bench-secret-value-0001"));
        if (IsPostgres)
        {
            await CopyAsync(FillRows(rows, seed), secrets);
            return;
        }

        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO Credentials (Name, Type, TypeName, FieldName, Location, ProtectedClientId, ClientIdHint, ProtectedSecret, SecretHint, CreatedUtc, LastModifiedUtc, Version)
            VALUES ($name, $type, $typeName, 'clientid', $location, $clientId, $clientIdHint, $secret, $secretHint, $created, $modified, 1)
            """;
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var type = insert.Parameters.Add("$type", SqliteType.Integer);
        var typeName = insert.Parameters.Add("$typeName", SqliteType.Text);
        var secretHint = insert.Parameters.Add("$secretHint", SqliteType.Text);
        var location = insert.Parameters.Add("$location", SqliteType.Integer);
        var secret = insert.Parameters.Add("$secret", SqliteType.Text);
        var created = insert.Parameters.Add("$created", SqliteType.Text);
        var modified = insert.Parameters.Add("$modified", SqliteType.Text);
        insert.Parameters.AddWithValue("$clientId", secrets.ClientId);
        insert.Parameters.AddWithValue("$clientIdHint", (object?)secrets.ClientIdHint ?? DBNull.Value);
        insert.Prepare();

        foreach (var row in FillRows(rows, seed))
        {
            var withSecret = row.Type == CredentialType.ClientIdAndSecret;
            name.Value = row.Name;
            type.Value = (int)row.Type;
            typeName.Value = row.Type.DisplayName();
            location.Value = row.Location;
            secret.Value = withSecret ? secrets.Secret : DBNull.Value;
            secretHint.Value = withSecret ? (object?)secrets.SecretHint ?? DBNull.Value : DBNull.Value;
            modified.Value = row.LastModifiedUtc.ToString(SqliteDateTimeFormat, CultureInfo.InvariantCulture);
            created.Value = row.CreatedUtc.ToString(SqliteDateTimeFormat, CultureInfo.InvariantCulture);
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    private sealed record FillSecrets(string ClientId, string? ClientIdHint, string Secret, string? SecretHint);

    /// <summary>The fill on PostgreSQL: Npgsql's binary COPY, the server's fastest way in.</summary>
    private async Task CopyAsync(IEnumerable<FillRow> rows, FillSecrets secrets)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var copy = await connection.BeginBinaryImportAsync("""
            COPY "Credentials" ("PublicId", "Name", "Type", "TypeName", "FieldName", "Location", "ProtectedClientId", "ClientIdHint",
                                "ProtectedSecret", "SecretHint", "CreatedUtc", "LastModifiedUtc", "Version") FROM STDIN (FORMAT BINARY)
            """);
        foreach (var row in rows)
        {
            var withSecret = row.Type == CredentialType.ClientIdAndSecret;
            await copy.StartRowAsync();
            await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await copy.WriteAsync(row.Name, NpgsqlDbType.Varchar);
            await copy.WriteAsync((int)row.Type, NpgsqlDbType.Integer);
            await copy.WriteAsync(row.Type.DisplayName(), NpgsqlDbType.Varchar);
            await copy.WriteAsync("clientid", NpgsqlDbType.Varchar);
            await copy.WriteAsync(row.Location, NpgsqlDbType.Integer);
            await copy.WriteAsync(secrets.ClientId, NpgsqlDbType.Text);
            await WriteOrNullAsync(copy, secrets.ClientIdHint, NpgsqlDbType.Varchar);
            await WriteOrNullAsync(copy, withSecret ? secrets.Secret : null, NpgsqlDbType.Text);
            await WriteOrNullAsync(copy, withSecret ? secrets.SecretHint : null, NpgsqlDbType.Varchar);
            await copy.WriteAsync(row.CreatedUtc, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(row.LastModifiedUtc, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(1, NpgsqlDbType.Integer);
        }
        await copy.CompleteAsync();
    }

    private static async Task WriteOrNullAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            await copy.WriteNullAsync();
        }
        else
        {
            await copy.WriteAsync(value, type);
        }
    }

    /// <summary>The database's name on the server: the folder's (a GUID), so that every process of a run finds the same one.</summary>
    private static string PostgresName(string folder) => "credportal_bench_" + Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)).ToLowerInvariant();

    private static async Task CreatePostgresDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(BenchProvider.Server);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Deletes a run's folder and, on PostgreSQL, drops its database (connections still open to it are ended).</summary>
    public static async Task DeleteAsync(string folder)
    {
        if (BenchProvider.Current == DatabaseProvider.Postgres)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(BenchProvider.Server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{PostgresName(folder)}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        DeleteFolder(folder);
    }

    /// <summary>
    /// Fills the database with <paramref name="rows"/> credentials and runs ANALYZE unless told not to (on PostgreSQL
    /// VACUUM ANALYZE: the visibility map lets counts and index walks skip the table). SQLite then folds the WAL into
    /// the file (readers that must look through a big WAL are slower). Prints what each step took.
    /// </summary>
    public async Task PrepareAsync(int rows, bool analyze)
    {
        var fill = await TimeAsync(() => FillAsync(rows, Seed));
        Console.WriteLine($"Fill: {rows} rows ({(IsPostgres ? "binary COPY" : "with FTS triggers")}) in {fill.TotalSeconds:F2} s ({rows / fill.TotalSeconds:F0} rows/s)");
        var analyzeSql = IsPostgres ? "VACUUM ANALYZE" : "ANALYZE";
        if (analyze)
        {
            var took = await TimeAsync(() => ExecuteScalarAsync(analyzeSql));
            Console.WriteLine($"{analyzeSql}: {took.TotalSeconds:F2} s");
        }
        else
        {
            Console.WriteLine($"{analyzeSql}: skipped (--no-analyze)");
        }
        if (IsPostgres)
        {
            // The fill leaves some 100 MB of dirty pages; the server's timed checkpoint would write them out five minutes
            // later, for two minutes, in the middle of the measurements (on 2 cores the searches measured then ran up to
            // 1.4 ms slower at the median). Written out now, before anything is timed. A role that may create databases
            // but not checkpoint (neither superuser nor pg_checkpoint, as on many managed servers) still runs the bench.
            try
            {
                var checkpoint = await TimeAsync(() => ExecuteScalarAsync("CHECKPOINT"));
                Console.WriteLine($"CHECKPOINT: {checkpoint.TotalSeconds:F2} s");
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                Console.WriteLine("CHECKPOINT: not allowed for this role (it needs pg_checkpoint): the server's timed checkpoint may slow the first minutes of measurements");
            }
            var size = Convert.ToInt64(await ExecuteScalarAsync("SELECT pg_database_size(current_database())"), CultureInfo.InvariantCulture);
            Console.WriteLine($"Database: {size / 1024.0 / 1024.0:F1} MiB");
            return;
        }
        await ExecuteScalarAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        Console.WriteLine($"File: {new FileInfo(DatabasePath).Length / 1024.0 / 1024.0:F1} MiB");
    }

    /// <summary>The engine and its version, for the header of a report.</summary>
    public async Task<string> EngineAsync() => IsPostgres
        ? $"PostgreSQL {await ExecuteScalarAsync("SHOW server_version")}"
        : $"SQLite {await ExecuteScalarAsync("SELECT sqlite_version()")}";

    /// <summary>Runs one statement on a short-lived connection and returns its first value.</summary>
    public async Task<object?> ExecuteScalarAsync(string sql)
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!Keep)
        {
            await DeleteAsync(Folder);
        }
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the run; the OS cleans the temp folder.
        }
    }

    /// <summary>Times <paramref name="action"/> once.</summary>
    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start);
    }
}
