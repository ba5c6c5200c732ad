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

namespace CredentialPortal.Bench;

/// <summary>
/// A SQLite file in a folder, migrated as the app does at start-up, with the app's services over it (the same
/// registrations as <c>PortalHosting.AddPortal</c>, minus the web parts).
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

    private readonly string folder;

    private BenchDatabase(string folder, string connectionString, ServiceProvider services, CommandRecorder recorder)
    {
        this.folder = folder;
        ConnectionString = connectionString;
        Services = services;
        Recorder = recorder;
    }

    public string ConnectionString { get; }
    public string DatabasePath => Path.Combine(folder, "portal.db");
    public string KeysPath => Path.Combine(folder, "keys");

    /// <summary>Leave the folder in place on dispose, for a look at the file afterwards.</summary>
    public bool Keep { get; set; }
    public ServiceProvider Services { get; }
    public CommandRecorder Recorder { get; }
    public CredentialService Credentials => Services.GetRequiredService<CredentialService>();

    /// <summary>A new folder under the temp folder, deleted on dispose unless <see cref="Keep"/> is set.</summary>
    public static Task<BenchDatabase> CreateAsync() =>
        OpenAsync(Path.Combine(Path.GetTempPath(), "credportal-bench", Guid.NewGuid().ToString("N")));

    /// <summary>Names the folder of the file that every benchmark of a run reads (set by Program, inherited by benchmark processes).</summary>
    public const string SharedFolderVariable = "CREDPORTAL_BENCH_FOLDER";

    /// <summary>
    /// The run's shared file: the first benchmark's setup fills it, the next ones (in this process or in later ones)
    /// open it as it is. Program deletes the folder when the run ends.
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

    /// <summary>The file in <paramref name="folder"/> (created and migrated when new), with the app's services over it.</summary>
    public static async Task<BenchDatabase> OpenAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "portal.db") }.ToString();
        var recorder = new CommandRecorder();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        // A model change whose migration is still being written elsewhere must not stop the bench: it migrates
        // what exists and says so (see below); the Credentials schema is what it measures.
        services.AddPortalDomain(new ConfigurationBuilder().Build(), new PortalDatabase(DatabaseProvider.Sqlite, connectionString),
            Path.Combine(folder, "keys"), o => o.AddInterceptors(recorder)
                .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)));
        var provider = services.BuildServiceProvider(validateScopes: true);

        var database = new BenchDatabase(folder, connectionString, provider, recorder);
        try
        {
            await using var db = await provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            if (db.Database.HasPendingModelChanges())
            {
                Console.WriteLine("NOTE: the model has changes that no migration creates yet; the bench applies the existing migrations.");
            }
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
        return database;
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> credentials in one transaction with one prepared command: going through
    /// CreateAsync would encrypt and save one row at a time. The FTS triggers fill the name index as rows go in.
    /// </summary>
    public async Task FillAsync(int rows, int seed)
    {
        // Real Data Protection payloads, computed once: every row carries ciphertext of the true size and format.
        var protector = Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProtectorPurpose);
        var protectedClientId = protector.Protect("bench-client-id-0001");
        var protectedSecret = protector.Protect("bench-secret-value-0001");

        var random = new Random(seed);
        // A random permutation of time slots: LastModifiedUtc values are distinct and not in Id order.
        var slots = Enumerable.Range(0, rows).ToArray();
        random.Shuffle(slots);
        var yearStart = new DateTime(2025, 11, 24, 0, 0, 0, DateTimeKind.Utc);
        var slotTicks = TimeSpan.FromDays(365).Ticks / rows;

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
        insert.Parameters.AddWithValue("$clientId", protectedClientId);
        // What the service stores beside the ciphertext when it saves these values.
        insert.Parameters.AddWithValue("$clientIdHint", (object?)CredentialHint.Of("bench-client-id-0001") ?? DBNull.Value);
        var secretHintValue = (object?)CredentialHint.Of("bench-secret-value-0001") ?? DBNull.Value;
        insert.Prepare();

        for (var i = 0; i < rows; i++)
        {
            var first = Words[random.Next(Words.Length)];
            name.Value = $"{char.ToUpperInvariant(first[0])}{first[1..]} {Words[random.Next(Words.Length)]} {random.Next(1, 1000)}";
            var credentialType = random.Next(2) == 0 ? CredentialType.ClientId : CredentialType.ClientIdAndSecret;
            type.Value = (int)credentialType;
            typeName.Value = credentialType.DisplayName();
            location.Value = random.Next(1, 3);
            secret.Value = credentialType == CredentialType.ClientIdAndSecret ? protectedSecret : DBNull.Value;
            secretHint.Value = credentialType == CredentialType.ClientIdAndSecret ? secretHintValue : DBNull.Value;
            // The jitter stays inside the slot, so values stay distinct; creation precedes the last change by up to 60 days.
            var lastModified = yearStart.AddTicks(slots[i] * slotTicks + random.NextInt64(slotTicks));
            modified.Value = lastModified.ToString(SqliteDateTimeFormat, CultureInfo.InvariantCulture);
            created.Value = lastModified.AddTicks(-random.NextInt64(TimeSpan.FromDays(60).Ticks))
                .ToString(SqliteDateTimeFormat, CultureInfo.InvariantCulture);
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Fills the file with <paramref name="rows"/> credentials, runs ANALYZE unless told not to, and folds the WAL into
    /// the file (readers that must look through a big WAL are slower); prints what each step took.
    /// </summary>
    public async Task PrepareAsync(int rows, bool analyze)
    {
        var fill = await TimeAsync(() => FillAsync(rows, Seed));
        Console.WriteLine($"Fill: {rows} rows (with FTS triggers) in {fill.TotalSeconds:F2} s ({rows / fill.TotalSeconds:F0} rows/s)");
        if (analyze)
        {
            var took = await TimeAsync(() => ExecuteScalarAsync("ANALYZE"));
            Console.WriteLine($"ANALYZE: {took.TotalSeconds:F2} s");
        }
        else
        {
            Console.WriteLine("ANALYZE: skipped (--no-analyze)");
        }
        await ExecuteScalarAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        Console.WriteLine($"File: {new FileInfo(DatabasePath).Length / 1024.0 / 1024.0:F1} MiB");
    }

    /// <summary>Runs one statement on a short-lived connection and returns its first value.</summary>
    public async Task<object?> ExecuteScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
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
            DeleteFolder(folder);
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
