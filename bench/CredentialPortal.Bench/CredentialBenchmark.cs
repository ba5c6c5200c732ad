using System.Data.Common;
using BenchmarkDotNet.Attributes;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Bench;

/// <summary>
/// A <see cref="CredentialService"/> call (each subclass's <c>Portal</c>) beside the baseline <see cref="Raw"/>: the very
/// SQL that call sent, prepared once on one open connection, whose cost EF, the context and the pool add to. Both
/// read the run's shared database of <see cref="Rows"/> credentials (SQLite, or PostgreSQL: see <see cref="BenchProvider"/>).
/// Setup checks the answer once and throws when it is wrong, so that a fast wrong answer cannot pass as a result.
/// </summary>
public abstract class CredentialBenchmark
{
    public const int Rows = 100_000;

    private BenchDatabase database = null!;
    private DbConnection connection = null!;
    private RawQuery replay = null!;

    /// <summary>Resolved once: a lookup per call would be charged to the portal.</summary>
    protected CredentialService Credentials { get; private set; } = null!;

    /// <summary>What the case is, for messages.</summary>
    protected abstract string Label { get; }

    /// <summary>Whether the call reads a list page (its rows come from the statement with an ORDER BY).</summary>
    protected virtual bool ReadsListPage => false;

    /// <summary>One portal call; returns the rows it shows.</summary>
    protected abstract Task<int> CallAsync();

    /// <summary>Compares the call's answer with the plainest SQL for it, on <paramref name="raw"/>; returns what differs, or null.</summary>
    protected abstract Task<string?> CheckAsync(DbConnection raw);

    [GlobalSetup]
    public Task SetupAsync() => SetupAsync(printPlan: false);

    /// <summary>The same, and the query plan, printed once per case (the raw benchmark runs first).</summary>
    [GlobalSetup(Target = nameof(Raw))]
    public Task SetupRawAsync() => SetupAsync(printPlan: true);

    private async Task SetupAsync(bool printPlan)
    {
        database = await BenchDatabase.OpenSharedAsync(Rows);
        Credentials = database.Credentials;
        // With the app's connection settings (SQLite's pragmas), or the comparison would measure them, not the SQL.
        connection = await database.OpenConnectionAsync();

        // One call first: the raw replay is the SQL of a warm call (the list's unfiltered count is kept in memory after the
        // first), which is what the benchmark then times.
        var rows = await CallAsync();
        var recorded = await database.Recorder.CaptureAsync(async () => rows = await CallAsync());
        replay = new RawQuery(connection, recorded, ReadsListPage);
        var mismatch = await CheckAsync(connection);
        var rawRows = replay.Run();
        if (mismatch is null && rawRows != rows)
        {
            mismatch = $"the raw replay returned {rawRows} rows, the call {rows}";
        }
        if (mismatch is not null)
        {
            throw new InvalidOperationException($"WRONG RESULT: {Label}: {mismatch}");
        }
        if (printPlan)
        {
            QueryPlan.Print(Label, connection, recorded);
        }
    }

    [Benchmark(Baseline = true)]
    public int Raw() => replay.Run();

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        replay?.Dispose();
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
