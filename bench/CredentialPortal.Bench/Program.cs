using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CredentialPortal.Features.Credentials;
using Microsoft.Data.Sqlite;

namespace CredentialPortal.Bench;

/// <summary>
/// Times the credential list and edit operations through <see cref="CredentialService"/> and, for comparison, the
/// very SQL the service sent, replayed on an open connection, and prints each query's plan.
/// </summary>
internal static partial class BenchProgram
{
    private const int Seed = 20261124;
    private const double TargetP95Milliseconds = 5;
    private const int MinimumSamples = 50;
    private static readonly TimeSpan WarmupBudget = TimeSpan.FromSeconds(0.5);

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (BenchOptions.Parse(args) is not { } options)
        {
            return 2;
        }
#if DEBUG
        Console.WriteLine("WARNING: Debug build; time with -c Release.");
#endif
        var clock = Stopwatch.StartNew();
        await using var database = await BenchDatabase.CreateAsync();
        database.Keep = options.Keep;
        var sqliteVersion = await database.ExecuteScalarAsync("SELECT sqlite_version()");
        Console.WriteLine(options.List
            ? $"CredentialPortal bench: {options.Rows} credentials; per operation {options.Warmup} warm-up + {options.Iterations} timed "
              + $"iterations (fewer, at least {MinimumSamples}, when they take over {options.BudgetSeconds} s), each a call and a raw replay"
            : options.Browser ? $"CredentialPortal browser bench: {options.Rows} credentials, the published portal in Chromium"
            : options.Api ? $"CredentialPortal API bench: {options.Rows} credentials, the portal on Kestrel at 127.0.0.1, a token"
            : "CredentialPortal bench: list phase skipped (--skip-list)");
        Console.WriteLine($"{RuntimeInformation.FrameworkDescription}, SQLite {sqliteVersion}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}");
        Console.WriteLine($"Load average at start: {LoadAverage()}");

        if (options.Browser)
        {
            await FillAsync(database, options);
            var exit = await BrowserBench.RunAsync(database, options);
            Console.WriteLine($"Total run time: {clock.Elapsed.TotalSeconds:F1} s; load average at end: {LoadAverage()}");
            return exit;
        }

        if (options.Api)
        {
            await FillAsync(database, options);
            var api = await ApiBench.RunAsync(database, options);
            Console.WriteLine();
            Console.WriteLine($"Total run time: {clock.Elapsed.TotalSeconds:F1} s; load average at end: {LoadAverage()}");
            Console.WriteLine($"API: {api.Verdict}");
            return api.Correct ? 0 : 1;
        }

        var results = options.List ? await ListPhaseAsync(database, options) : null;

        Console.WriteLine();
        var correct = true;
        if (results is not null)
        {
            correct = PrintChecks(results);
            Console.WriteLine($"Plans: {PlanSummary(results)}");
        }
        Console.WriteLine($"Total run time: {clock.Elapsed.TotalSeconds:F1} s; load average at end: {LoadAverage()}"
            + (options.Keep ? $"; database kept at {database.DatabasePath}" : ""));
        if (results is not null)
        {
            Console.WriteLine($"Service: {Verdict(results)}");
        }
        return correct ? 0 : 1;
    }

    /// <summary>Fills the file, then measures every list and edit operation; prints the table and the plans.</summary>
    private static async Task<List<OperationResult>> ListPhaseAsync(BenchDatabase database, BenchOptions options)
    {
        await FillAsync(database, options);

        await using var raw = new SqliteConnection(database.ConnectionString);
        await raw.OpenAsync();
        // The service maps the file into memory on its connection (a non-query, so the recorder does not replay it):
        // the raw connection does the same, or the comparison would measure page cache misses, not the SQL.
        await using (var mmap = raw.CreateCommand())
        {
            mmap.CommandText = CredentialPortal.Data.SqliteConnectionPragmas.Sql; // as the app's connections
            await mmap.ExecuteNonQueryAsync();
        }
        var service = database.Credentials;
        Func<CredentialListQuery, Task<CredentialPage>> viaService = q => service.ListAsync(q);
        var operations = Operation.All(options.Rows, editId: new Random(Seed).Next(1, options.Rows + 1))
            .Concat(MoreOperations(options.Rows)).ToList();

        Console.WriteLine($"Measuring {operations.Count} operations...");
        await WarmUpAsync(operations, viaService, service, options);
        var results = new List<OperationResult>();
        foreach (var operation in operations)
        {
            results.Add(await MeasureAsync(database, raw, operation, viaService, options));
        }
        PrintTable("CredentialService", results);
        PrintPlans("CredentialService: SQL as EF sent it (the raw path replays it verbatim) and EXPLAIN QUERY PLAN", results);
        return results;
    }

    /// <summary>
    /// Paths beyond the user-facing set: a deep page of a search (the reverse walk), short searches with few or no
    /// matches (a full scan of the name index, no early stop) and past the first count bound.
    /// </summary>
    private static IEnumerable<Operation> MoreOperations(int rows)
    {
        var lastPage = Math.Max(0, (rows - 1) / 25);
        yield return new($"page {lastPage / 2} (middle), Name asc", new(SortBy: CredentialSort.Name, Descending: false, Page: lastPage / 2));
        yield return new($"page {lastPage / 2} (middle), Type desc", new(SortBy: CredentialSort.Type, Descending: true, Page: lastPage / 2));
        yield return new("search 'invoice', page 77 (middle)", new(Search: "invoice", Page: 77));
        yield return new("search 'ay', page 39 (count bound)", new(Search: "ay", Page: 39));
        yield return new("search '03' (2 chars, 877 hits)", new(Search: "03"));
        yield return new("search 'qz' (2 chars, no hit)", new(Search: "qz"));
    }

    private static async Task FillAsync(BenchDatabase database, BenchOptions options)
    {
        var fill = await BenchDatabase.TimeAsync(() => database.FillAsync(options.Rows, Seed));
        Console.WriteLine($"Fill: {options.Rows} rows (with FTS triggers) in {fill.TotalSeconds:F2} s ({options.Rows / fill.TotalSeconds:F0} rows/s)");
        if (options.Analyze)
        {
            var analyze = await BenchDatabase.TimeAsync(() => database.ExecuteScalarAsync("ANALYZE"));
            Console.WriteLine($"ANALYZE: {analyze.TotalSeconds:F2} s");
        }
        else
        {
            Console.WriteLine("ANALYZE: skipped (--no-analyze)");
        }
        // Fold the fill into the file: readers that must look through a big WAL are slower.
        await database.ExecuteScalarAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        Console.WriteLine($"File: {new FileInfo(database.DatabasePath).Length / 1024.0 / 1024.0:F1} MiB");
    }

    /// <summary>
    /// One pass over everything first, so that no operation is timed while EF and the JIT are still warming up:
    /// 30 calls make a method hot, and tiered compilation then recompiles it in the background.
    /// </summary>
    private static async Task WarmUpAsync(
        IReadOnlyList<Operation> operations, Func<CredentialListQuery, Task<CredentialPage>> list, CredentialService credentials, BenchOptions options)
    {
        foreach (var operation in operations)
        {
            var warmup = Stopwatch.StartNew();
            for (var i = 0; i < Math.Max(options.Warmup, 30) && (i < 3 || warmup.Elapsed < WarmupBudget); i++)
            {
                await operation.RunAsync(list, credentials);
            }
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private sealed record OperationResult(
        Operation Operation,
        Summary Call,
        Summary Raw,
        int Samples,
        string Shown,
        IReadOnlyList<(RecordedCommand Command, IReadOnlyList<string> Plan)> Queries,
        string? Mismatch);

    /// <summary>
    /// Captures the SQL of one call and checks its answer; then, after a warm-up, alternates one call and one raw
    /// replay of that SQL per iteration, so that both paths see the same background load.
    /// </summary>
    private static async Task<OperationResult> MeasureAsync(
        BenchDatabase database, SqliteConnection raw, Operation operation, Func<CredentialListQuery, Task<CredentialPage>> list, BenchOptions options)
    {
        var credentials = database.Credentials;
        (int Rows, int? Total) outcome = default;
        var recorded = await database.Recorder.CaptureAsync(async () => outcome = await operation.RunAsync(list, credentials));
        var mismatch = await CheckAsync(raw, operation, list, credentials);
        using var replay = new RawQuery(raw, recorded);

        var rawRows = 0;
        var warmup = Stopwatch.StartNew();
        for (var i = 0; i < options.Warmup && (i < 3 || warmup.Elapsed < WarmupBudget); i++)
        {
            await operation.RunAsync(list, credentials);
            rawRows = replay.Run();
        }
        Settle();

        var callTimes = new List<double>(options.Iterations);
        var rawTimes = new List<double>(options.Iterations);
        var minimum = Math.Min(MinimumSamples, options.Iterations);
        var budget = TimeSpan.FromSeconds(options.BudgetSeconds);
        var timed = Stopwatch.StartNew();
        while (callTimes.Count < options.Iterations && (callTimes.Count < minimum || timed.Elapsed < budget))
        {
            var start = Stopwatch.GetTimestamp();
            await operation.RunAsync(list, credentials);
            callTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            start = Stopwatch.GetTimestamp();
            rawRows = replay.Run();
            rawTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        if (rawRows != outcome.Rows)
        {
            mismatch ??= $"raw replay returned {rawRows} rows, the call {outcome.Rows}";
        }

        var more = operation.List is { } query && (await credentials.ListAsync(query)).MoreThanTotal ? "+" : "";
        var shown = outcome.Total is { } count ? $"{outcome.Rows} of {count}{more}" : $"{outcome.Rows}";
        var plans = recorded.Select(r => (r, RawQuery.ExplainPlan(raw, r))).ToList();
        return new OperationResult(operation, Summary.Of(callTimes), Summary.Of(rawTimes), callTimes.Count, shown, plans, mismatch);
    }

    /// <summary>Collects garbage from the warm-up so that it is not charged to the timed loop.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>
    /// Compares the answer with the plainest SQL for it (LIKE and OFFSET, no index tricks), so that a fast wrong
    /// answer (a bad reverse walk, an FTS miss) cannot pass as a result. Returns what differs, or null.
    /// </summary>
    private static async Task<string?> CheckAsync(
        SqliteConnection raw, Operation operation, Func<CredentialListQuery, Task<CredentialPage>> list, CredentialService credentials)
    {
        if (operation.List is not { } query)
        {
            var edit = await credentials.GetForEditAsync(operation.EditId);
            // The fill's client id ends in 0001: its hint comes back (a secret client id is no longer decrypted to open the form).
            return edit is { ClientIdHint: "0001", HasClientId: true } && edit.Id == operation.EditId ? null : "edit did not load and decrypt the credential";
        }

        var page = await list(query);
        var fragment = query.Search?.Trim();
        var where = string.IsNullOrEmpty(fragment) ? "" : "WHERE Name LIKE $pattern";
        var order = (query.SortBy, query.Descending) switch
        {
            (CredentialSort.Name, false) => "Name, Id",
            (CredentialSort.Name, true) => "Name DESC, Id DESC",
            (CredentialSort.Type, false) => "Type, LastModifiedUtc DESC, Id DESC",
            (CredentialSort.Type, true) => "Type DESC, LastModifiedUtc, Id",
            (_, false) => "LastModifiedUtc, Id",
            (_, true) => "LastModifiedUtc DESC, Id DESC",
        };
        await using var command = raw.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM Credentials {where}; SELECT Id FROM Credentials {where} ORDER BY {order} LIMIT $take OFFSET $skip";
        command.Parameters.AddWithValue("$pattern", $"%{fragment}%");
        command.Parameters.AddWithValue("$take", query.PageSize);
        command.Parameters.AddWithValue("$skip", query.Page * query.PageSize);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var count = reader.GetInt32(0);
        await reader.NextResultAsync();
        var ids = new List<int>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        if (page.MoreThanTotal)
        {
            // "More than N": N must reach past the page (so that the pager offers the next one) and be a true lower bound.
            if (count <= page.TotalCount || page.TotalCount < query.Page * query.PageSize + page.Items.Count)
            {
                return $"total 'more than {page.TotalCount}', but {count} match";
            }
        }
        else if (count != page.TotalCount)
        {
            return $"total {page.TotalCount}, expected {count}";
        }
        return ids.SequenceEqual(page.Items.Select(r => r.Id)) ? null : "page rows differ from the plain LIKE/OFFSET query";
    }

    private static void PrintTable(string title, IReadOnlyList<OperationResult> results)
    {
        const string Row = "{0,-38} | {1,4} | {2,9} | {3,9} | {4,9} | {5,9} | {6,-15}";
        Console.WriteLine();
        Console.WriteLine($"{title}: times in ms over n samples. 'call' = the service method (context from the factory, pooled connection,"
            + "\nEF; edit also decrypts); 'raw' = the same SQL text and parameters EF sent, prepared once on one open connection.");
        var header = string.Format(CultureInfo.InvariantCulture, Row, "operation", "n", "call med", "call p95", "raw med", "raw p95", "rows/count");
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var r in results)
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Row, r.Operation.Label, r.Samples,
                r.Call.Median.ToString("F3"), r.Call.P95.ToString("F3"), r.Raw.Median.ToString("F3"), r.Raw.P95.ToString("F3"), r.Shown));
        }
    }

    private static void PrintPlans(string title, IReadOnlyList<OperationResult> results)
    {
        Console.WriteLine();
        Console.WriteLine(title + ":");
        foreach (var r in results)
        {
            Console.WriteLine();
            Console.WriteLine($"== {r.Operation.Label}");
            foreach (var (command, plan) in r.Queries)
            {
                Console.WriteLine(Indent(command.Describe(), "   "));
                Console.WriteLine("   QUERY PLAN");
                Console.WriteLine(Indent(string.Join('\n', plan), "   "));
                foreach (var concern in Concerns(plan))
                {
                    Console.WriteLine($"   !! {concern}");
                }
            }
        }
    }

    /// <summary>
    /// What in a plan may grow with the table: a scan of Credentials without an index (EF's alias is c, c0, …), or
    /// a sort in a temp b-tree (harmless only when it sorts one page, as after a late row lookup).
    /// </summary>
    private static IEnumerable<string> Concerns(IReadOnlyList<string> plan)
    {
        var steps = plan.Select(l => l.TrimStart(' ', '`', '-')).ToList();
        // A subquery in FROM that SQLite runs as a co-routine is scanned under EF's alias too: that is no table scan.
        var coroutines = steps.Where(s => s.StartsWith("CO-ROUTINE ", StringComparison.Ordinal)).Select(s => "SCAN " + s["CO-ROUTINE ".Length..]).ToHashSet();
        foreach (var step in steps)
        {
            if (TableScan().IsMatch(step) && !coroutines.Contains(step))
            {
                yield return $"table scan: {step}";
            }
            if (step.Contains("USE TEMP B-TREE", StringComparison.Ordinal))
            {
                yield return $"sort outside an index: {step} (costly unless it sorts one page's rows only)";
            }
        }
    }

    [GeneratedRegex(@"^SCAN (Credentials|c\d*)$")]
    private static partial Regex TableScan();

    private static string PlanSummary(IReadOnlyList<OperationResult> results)
    {
        var flagged = results.Where(r => r.Queries.Any(q => Concerns(q.Plan).Any())).Select(r => r.Operation.Label).ToList();
        return flagged.Count == 0
            ? "no table scan and no temp b-tree sort in any query."
            : $"table scan or temp b-tree sort in: {string.Join("; ", flagged)}";
    }

    /// <summary>Other work on the box skews p95 most: the reader should see how busy it was.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Indent(string text, string prefix) =>
        string.Join('\n', text.Split('\n').Select(line => prefix + line));

    /// <summary>Prints every wrong answer; true when there was none.</summary>
    private static bool PrintChecks(IReadOnlyList<OperationResult> results)
    {
        var wrong = results.Where(r => r.Mismatch is not null).ToList();
        foreach (var r in wrong)
        {
            Console.WriteLine($"WRONG RESULT: {r.Operation.Label}: {r.Mismatch}");
        }
        if (wrong.Count == 0)
        {
            Console.WriteLine($"Results: all {results.Count} measured calls matched a plain LIKE/OFFSET query (edit: decrypted the fill's client id).");
        }
        return wrong.Count == 0;
    }

    private static string Verdict(IReadOnlyList<OperationResult> results)
    {
        var missed = results.Where(r => r.Call.P95 > TargetP95Milliseconds).ToList();
        if (missed.Count == 0)
        {
            var worst = results.MaxBy(r => r.Call.P95)!;
            return $"TARGET MET: every p95 is <= {TargetP95Milliseconds} ms (worst: {worst.Operation.Label}, {worst.Call.P95:F2} ms).";
        }
        return $"TARGET MISSED: p95 > {TargetP95Milliseconds} ms for {missed.Count} of {results.Count} operations: "
            + string.Join("; ", missed.Select(r => $"{r.Operation.Label} ({r.Call.P95:F2} ms)"));
    }
}
