using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Bench;

/// <summary>
/// The delivery speed measure: signed-and-logged test deliveries (<see cref="WebhookSender.SendTestAsync"/> with a Client ID and
/// Secret credential in a header: read the alert and credential rows (DeliveryTargets; decrypted again when they
/// change), apply the wire format, send through the resilient client, write the delivery log row) to a loopback
/// receiver, one at a time and many at a time, next to a plain HttpClient sending a body of the same shape with the same header to the same receiver in the same run. Target: the portal's path at least 25%
/// of the raw baseline's deliveries per second.
/// </summary>
internal static class DeliveryBench
{
    public const double TargetRatio = 0.25;

    /// <summary>Each run is split into rounds that alternate the two paths, so that both see the same background load.</summary>
    private const int Rounds = 4;

    private static readonly TimeSpan WarmupLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan JitSettleLimit = TimeSpan.FromSeconds(60);
    private const int QuietRounds = 3;
    private const int QuietMethods = 25;
    private const int MinimumWarmup = 3000;

    // The spec's example credential (as in the alert webhook E2E story): Base64("link" + "epona") in the clientid header.
    private const string FieldName = "clientid";
    private const string ClientId = "link";
    private const string Secret = "epona";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// What one delivery came to: delivered (on its first attempt or after retries) or why not; for the portal, the
    /// commit of its log row, which a run waits for before its clock stops.
    /// </summary>
    private readonly record struct Attempt(bool Delivered, int Attempts, string? Error, Task? Logged = null);

    private sealed class Run(string path, int concurrency)
    {
        public string Path { get; } = path;
        public int Concurrency { get; } = concurrency;
        public List<double> Latencies { get; } = [];
        public ConcurrentDictionary<string, int> Errors { get; } = new();
        public int Sent { get; set; }
        public int Failed { get; set; }
        public int Retried { get; set; }
        public TimeSpan Elapsed { get; set; }

        /// <summary>The most thread-pool threads seen while it ran: blocked threads make the pool add more, slowly.</summary>
        public int MaxThreads { get; set; }

        /// <summary>CPU time of the whole process (both paths' work, the receiver, GC) while it ran.</summary>
        public TimeSpan Cpu { get; set; }
        public double CpuPerDelivery => Cpu.TotalMilliseconds / Sent;

        /// <summary>Bytes the whole process allocated while it ran (both paths' work, the receiver), and gen-0 GCs.</summary>
        public long Allocated { get; set; }
        public int Gen0 { get; set; }
        public double KbPerDelivery => Allocated / 1024.0 / Sent;
        public double PerSecond => (Sent - Failed) / Elapsed.TotalSeconds;
    }

    public sealed record Report(string Verdict, bool Correct);

    public static async Task<Report> RunAsync(BenchDatabase database, BenchOptions options)
    {
        var wire = new ResolvedCredential(CredentialType.ClientIdAndSecret, FieldName, CredentialLocation.Header, ClientId, Secret).WireValue;
        await using var receiver = await LoopbackReceiver.StartAsync(FieldName, wire);
        var (alertId, alert) = await CreateAlertAsync(database, receiver);
        var url = new Uri(alert.WebhookUrl!);

        // The raw baseline: a plain SocketsHttpHandler with the portal handler's settings (no redirects, no proxy,
        // 2-minute connection lifetime) but none of its layers, sending a body of the same shape, built once.
        using var raw = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        })
        { Timeout = TimeSpan.FromSeconds(30) };
        var rawBody = JsonSerializer.Serialize(new
        {
            IsTest = true,
            AlertId = alert.Id,
            AlertName = alert.Name,
            Kind = alert.Kind.WireName(),
            Trigger = alert.TriggerSummary(),
            Timestamp = DateTimeOffset.UtcNow,
        }, Json);
        Func<Func<Task<Attempt>>> rawPath = () => () => SendRawAsync(raw, url, rawBody, wire);
        // One typed client per worker, as each page that sends gets its own from the container.
        Func<Func<Task<Attempt>>> portalPath = () =>
        {
            var sender = database.CreateSender();
            return () => SendPortalAsync(sender, alertId);
        };

        await using (var pragma = new SqliteConnection(database.ConnectionString))
        {
            await pragma.OpenAsync();
            Console.WriteLine();
            Console.WriteLine($"Delivery: alert {alertId} -> POST {url} with credential '{FieldName}' (Client ID and Secret, header); "
                + $"receiver: Kestrel in this process; SQLite journal_mode={await ScalarAsync(pragma, "PRAGMA journal_mode")}, "
                + $"synchronous={await ScalarAsync(pragma, "PRAGMA synchronous")} (2 = FULL), file in {Path.GetDirectoryName(database.DatabasePath)}");
        }

        // Warm-up until steady: tiered compilation (with dynamic PGO) takes a few thousand calls of EF's code paths to
        // reach its final code, longer on a busy box (the first portal deliveries take 5-15 ms, steady ones 1-2). Batches
        // of 200 one at a time, at least MinimumWarmup, then until three in a row are no 5% faster than the best before
        // them (at most WarmupLimit); then each path at full concurrency for a moment.
        var counts = new Counts();
        var warmed = new List<string>();
        foreach (var (label, path) in new[] { ("raw", rawPath), ("portal", portalPath) })
        {
            var warm = Stopwatch.StartNew();
            var (best, calm, sent) = (double.MaxValue, 0, 0);
            while (warm.Elapsed < WarmupLimit && (sent < MinimumWarmup || calm < 3))
            {
                var batch = await RunAsync(label, path, 200, 1, WarmupLimit);
                counts.Add(batch, label == "portal");
                sent += batch.Sent;
                var each = batch.Elapsed.TotalMilliseconds / batch.Sent;
                (best, calm) = each < best * 0.95 ? (each, 0) : (best, calm + 1);
            }
            var burst = await RunAsync(label, path, options.Concurrency * 16, options.Concurrency, TimeSpan.FromSeconds(2));
            counts.Add(burst, label == "portal");
            warmed.Add($"{label} {sent} one at a time in {warm.Elapsed.TotalSeconds:F1} s ({(calm < 3 || sent < MinimumWarmup ? "NOT SETTLED, " : "")}best batch "
                + $"{best:F3} ms each), then {burst.Sent} {options.Concurrency} at a time");
        }
        Console.WriteLine($"Warm-up: {string.Join("; ", warmed)}");

        // Tiered compilation carries on in the background long after the calls above: a traced run showed methods
        // compiled in bursts of hundreds for ~8 s (dynamic PGO's instrumented tier, then tier 1), both paths getting
        // 2-2.5x faster meanwhile, with lulls of a round or two between bursts. So both paths in turn, in rounds of
        // 1000 one at a time and 32 x Concurrency at a time each, until QuietRounds rounds in a row compile at most
        // QuietMethods methods each: the runs then measure steady code, as a portal that has been up a while runs.
        var jitWatch = Stopwatch.StartNew();
        var (quiet, jitRounds) = (0, 0);
        var recent = new Queue<(long Jitted, double Raw, double Portal)>();
        while (quiet < QuietRounds && jitWatch.Elapsed < JitSettleLimit)
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            var rates = new Dictionary<string, double>();
            foreach (var (label, path) in new[] { ("raw", rawPath), ("portal", portalPath) })
            {
                var sequential = await RunAsync(label, path, 1000, 1, WarmupLimit);
                counts.Add(sequential, label == "portal");
                counts.Add(await RunAsync(label, path, options.Concurrency * 32, options.Concurrency, WarmupLimit), label == "portal");
                rates[label] = sequential.PerSecond;
            }
            var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - compiled;
            quiet = jitted <= QuietMethods ? quiet + 1 : 0;
            jitRounds++;
            recent.Enqueue((jitted, rates["raw"], rates["portal"]));
            if (recent.Count > QuietRounds)
            {
                recent.Dequeue();
            }
        }
        Console.WriteLine($"JIT settling: {jitRounds} rounds of both paths in {jitWatch.Elapsed.TotalSeconds:F1} s"
            + (quiet < QuietRounds ? " (NOT SETTLED)" : $", until {QuietRounds} in a row compiled at most {QuietMethods} methods each")
            + $"; the last {recent.Count}: methods compiled {string.Join(", ", recent.Select(r => r.Jitted))}, sequential raw "
            + $"{string.Join(", ", recent.Select(r => r.Raw.ToString("F0")))}/s, portal {string.Join(", ", recent.Select(r => r.Portal.ToString("F0")))}/s; "
            + $"{System.Runtime.JitInfo.GetCompiledMethodCount()} methods compiled in all");
        Settle();
        await Task.Delay(TimeSpan.FromSeconds(1));

        var budget = TimeSpan.FromSeconds(options.DeliveryBudgetSeconds);
        var modes = new[] { (Label: "sequential", Concurrency: 1, Count: options.Deliveries),
            (Label: $"{options.Concurrency} at a time", Concurrency: options.Concurrency, Count: options.Deliveries * 4) };
        var results = new List<(string Mode, Run Raw, Run Portal)>();
        var sql = new List<(string Mode, List<(string Verb, double Milliseconds)> Commands)>();
        foreach (var mode in modes)
        {
            var rawRuns = new List<Run>();
            var portalRuns = new List<Run>();
            var commands = new List<(string Verb, double Milliseconds)>();
            for (var round = 0; round < Rounds; round++)
            {
                var share = (mode.Count + round) / Rounds; // the rounds add up to Count
                // Alternate which path goes first, so that neither always follows the other's GC or checkpoint.
                foreach (var portalFirst in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    database.Timer.Start();
                    var run = await RunAsync(portalFirst ? "portal" : "raw", portalFirst ? portalPath : rawPath, share, mode.Concurrency, budget / Rounds);
                    commands.AddRange(database.Timer.Stop());
                    (portalFirst ? portalRuns : rawRuns).Add(run);
                    counts.Add(run, portalFirst);
                }
            }
            results.Add((mode.Label, Merge(rawRuns), Merge(portalRuns)));
            sql.Add((mode.Label, commands));
        }

        PrintTable(results);
        var wal = new FileInfo(database.DatabasePath + "-wal");
        Console.WriteLine($"WAL file after the runs: {(wal.Exists ? wal.Length / 1024.0 / 1024.0 : 0):F1} MB (the log's writer checkpoints it about every "
            + $"{DeliveryLog.PagesPerCheckpoint} pages)");
        PrintCommands(sql);
        var correct = await CheckAsync(database, receiver, alertId, wire, counts);
        await BreakdownAsync(database, alert, url, raw, rawBody, wire, options.Concurrency);

        var ratios = results.Select(r => (r.Mode, Ratio: r.Portal.PerSecond / r.Raw.PerSecond)).ToList();
        var failed = results.Sum(r => r.Portal.Failed + r.Raw.Failed);
        var missed = ratios.Where(r => !(r.Ratio >= TargetRatio)).ToList();
        var figures = string.Join("; ", results.Select(r =>
            $"{r.Mode} {r.Portal.PerSecond:F0}/s vs raw {r.Raw.PerSecond:F0}/s = {100 * r.Portal.PerSecond / r.Raw.PerSecond:F0}%"));
        var target = $"{TargetRatio * 100:F0}%";
        var verdict = missed.Count == 0 && failed == 0
            ? $"TARGET MET: the portal's path is >= {target} of the raw baseline ({figures})."
            : $"TARGET MISSED: " + (missed.Count > 0 ? $"below {target} of the raw baseline {string.Join(" and ", missed.Select(m => m.Mode))}; " : "")
              + (failed > 0 ? $"{failed} deliveries failed; " : "") + $"({figures}).";
        return new Report(verdict, correct && failed == 0);
    }

    /// <summary>The credential and the alert, created through the app's services as the pages do.</summary>
    private static async Task<(int Id, Alert Alert)> CreateAlertAsync(BenchDatabase database, LoopbackReceiver receiver)
    {
        var credential = await database.Credentials.CreateAsync(new CredentialInput
        {
            Name = "Bench receiver",
            Type = CredentialType.ClientIdAndSecret,
            FieldName = FieldName,
            Location = CredentialLocation.Header,
            ClientId = ClientId,
            Secret = Secret,
        });
        Require(credential, "credential");
        var created = await database.Alerts.CreateAsync(new AlertInput
        {
            Name = "Bench: CPU high",
            Kind = AlertKind.RuntimeAlert,
            Metric = "cpu.percent",
            Comparison = MetricComparison.GreaterThan,
            Threshold = 90,
            WindowMinutes = 5,
            WebhookEnabled = true,
            WebhookUrl = receiver.Url("hooks/bench").ToString(),
            WebhookMethod = "POST",
            CredentialId = credential.Id,
        });
        Require(created, "alert");
        var overview = await database.Alerts.GetOverviewAsync(created.Id)
            ?? throw new InvalidOperationException("The bench's alert was saved but cannot be read back.");
        return (created.Id, overview.Alert);
    }

    private static void Require(SaveResult result, string what)
    {
        if (!result.Succeeded)
        {
            var errors = result.Errors is null ? "" : string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
            throw new InvalidOperationException($"Could not create the bench's {what}: {result.Status} {errors}");
        }
    }

    private static async Task<Attempt> SendRawAsync(HttpClient client, Uri url, string body, string wire)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.TryAddWithoutValidation(FieldName, wire);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.IsSuccessStatusCode ? new(true, 1, null) : new(false, 1, $"HTTP {(int)response.StatusCode}");
    }

    private static async Task<Attempt> SendPortalAsync(WebhookSender sender, int alertId)
    {
        var outcome = await sender.SendTestAsync(alertId);
        return outcome is null
            ? new(false, 0, "SendTestAsync returned null: the alert was not found")
            : new(outcome.Delivered, outcome.Attempts, outcome.Error, outcome.Logged);
    }

    /// <summary>Send test as the overview page does it: the outcome, then its log row committed, before the next.</summary>
    private static async Task<Attempt> SendPortalAwaitingLogAsync(WebhookSender sender, int alertId)
    {
        var attempt = await SendPortalAsync(sender, alertId);
        if (attempt.Logged is { } logged)
        {
            await logged;
        }
        return attempt with { Logged = null };
    }

    /// <summary>
    /// Sends <paramref name="count"/> deliveries, <paramref name="concurrency"/> in flight at once, until done or
    /// <paramref name="budget"/> has passed. An exception is a failed delivery: its type and message are kept. The clock
    /// stops once every delivery's log row is committed: a delivery counts only when it is in the log.
    /// </summary>
    private static async Task<Run> RunAsync(string label, Func<Func<Task<Attempt>>> path, int count, int concurrency, TimeSpan budget)
    {
        var run = new Run(label, concurrency);
        var next = 0;
        var failed = 0;
        var retried = 0;
        var maxThreads = ThreadPool.ThreadCount;
        var deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var gen0 = GC.CollectionCount(0);
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var send = path();
            var latencies = new List<double>();
            var logged = new List<Task>();
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref next) <= count)
            {
                var began = Stopwatch.GetTimestamp();
                Attempt attempt;
                try
                {
                    attempt = await send();
                }
                catch (Exception ex)
                {
                    attempt = new(false, 0, Describe(ex));
                }
                latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                if (attempt.Logged is { } row)
                {
                    logged.Add(row);
                }
                var threads = ThreadPool.ThreadCount;
                if (threads > Volatile.Read(ref maxThreads))
                {
                    Interlocked.Exchange(ref maxThreads, threads); // a racy maximum is close enough for a report
                }
                if (!attempt.Delivered)
                {
                    Interlocked.Increment(ref failed);
                    run.Errors.AddOrUpdate(attempt.Error ?? "failed, no error given", 1, (_, n) => n + 1);
                }
                else if (attempt.Attempts > 1)
                {
                    Interlocked.Increment(ref retried);
                }
            }
            foreach (var row in logged)
            {
                try
                {
                    await row;
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failed);
                    run.Errors.AddOrUpdate($"not logged: {Describe(ex)}", 1, (_, n) => n + 1);
                }
            }
            return latencies;
        })).ToList();
        foreach (var latencies in await Task.WhenAll(workers))
        {
            run.Latencies.AddRange(latencies);
        }
        run.Elapsed = Stopwatch.GetElapsedTime(start);
        run.Cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        run.Allocated = GC.GetTotalAllocatedBytes() - allocated;
        run.Gen0 = GC.CollectionCount(0) - gen0;
        run.Sent = run.Latencies.Count;
        run.Failed = failed;
        run.Retried = retried;
        run.MaxThreads = maxThreads;
        return run;
    }

    /// <summary>The exception chain, outermost first, e.g. "DbUpdateException: ... --> SqliteException: SQLite Error 5: 'database is locked'".</summary>
    private static string Describe(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            parts.Add($"{e.GetType().Name}: {e.Message}");
        }
        return string.Join(" --> ", parts);
    }

    private static Run Merge(List<Run> runs)
    {
        var merged = new Run(runs[0].Path, runs[0].Concurrency)
        {
            Sent = runs.Sum(r => r.Sent),
            Failed = runs.Sum(r => r.Failed),
            Retried = runs.Sum(r => r.Retried),
            Elapsed = TimeSpan.FromTicks(runs.Sum(r => r.Elapsed.Ticks)),
            MaxThreads = runs.Max(r => r.MaxThreads),
            Cpu = TimeSpan.FromTicks(runs.Sum(r => r.Cpu.Ticks)),
            Allocated = runs.Sum(r => r.Allocated),
            Gen0 = runs.Sum(r => r.Gen0),
        };
        foreach (var run in runs)
        {
            merged.Latencies.AddRange(run.Latencies);
            foreach (var (error, n) in run.Errors)
            {
                merged.Errors.AddOrUpdate(error, n, (_, m) => m + n);
            }
        }
        return merged;
    }

    /// <summary>Every delivery the receiver should have seen, and the portal's log rows, for the checks.</summary>
    private sealed class Counts
    {
        public int RawSent { get; private set; }
        public int PortalCalls { get; private set; }
        public int PortalThrew { get; private set; }
        public int PortalFailed { get; private set; }

        public void Add(Run run, bool portal)
        {
            if (portal)
            {
                PortalCalls += run.Sent;
                PortalFailed += run.Failed;
            }
            else
            {
                RawSent += run.Sent;
            }
        }
    }

    private static void PrintTable(List<(string Mode, Run Raw, Run Portal)> results)
    {
        const string Row = "{0,-12} | {1,-6} | {2,4} | {3,5} | {4,6} | {5,7} | {6,7} | {7,7} | {8,7} | {9,7} | {10,5} | {11,3} | {12,6} | {13,5} | {14,4} | {15,-7}";
        Console.WriteLine();
        Console.WriteLine("Delivery throughput: 'raw' = a plain HttpClient POST; 'portal' = WebhookSender.SendTestAsync (alert + credential"
            + "\nrow check, wire format, resilient client; its log row queued to the log's writer thread, and a run's clock stops"
            + "\nonly once every row is committed). Each run in " + Rounds + " rounds alternating the paths;"
            + "\ndeliveries/s = delivered / wall time; latency per delivery in ms; '>=150' = deliveries that took 150 ms or more;"
            + "\n'thr' = most thread-pool threads seen during the run; 'cpu/dl' = process CPU ms per delivery (receiver included);"
            + "\n'KB/dl' = KB the process allocated per delivery (receiver included); 'gc0' = gen-0 collections during the run.");
        var header = string.Format(CultureInfo.InvariantCulture, Row, "mode", "path", "infl", "n", "time s", "deliv/s", "p50", "p95", "p99", "max",
            ">=150", "thr", "cpu/dl", "KB/dl", "gc0", "portal/raw");
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var (mode, raw, portal) in results)
        {
            foreach (var run in new[] { raw, portal })
            {
                var latency = Summary.Of(run.Latencies); // sorts them
                var slow = run.Latencies.Count(ms => ms >= 150);
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Row, mode, run.Path, run.Concurrency, run.Sent,
                    run.Elapsed.TotalSeconds.ToString("F2"), run.PerSecond.ToString("F0"), latency.Median.ToString("F3"), latency.P95.ToString("F3"),
                    Percentile(run.Latencies, 0.99).ToString("F1"), run.Latencies[^1].ToString("F1"), slow, run.MaxThreads,
                    run.CpuPerDelivery.ToString("F3"), run.KbPerDelivery.ToString("F1"), run.Gen0,
                    run == portal ? $"{100 * portal.PerSecond / raw.PerSecond:F1}%" : ""));
            }
        }
        foreach (var (mode, raw, portal) in results)
        {
            foreach (var run in new[] { raw, portal }.Where(r => r.Failed > 0 || r.Retried > 0))
            {
                Console.WriteLine($"!! {mode}, {run.Path}: {run.Failed} of {run.Sent} failed, {run.Retried} delivered only after a retry");
                foreach (var (error, n) in run.Errors.OrderByDescending(e => e.Value).Take(5))
                {
                    Console.WriteLine($"   {n} x {error}");
                }
            }
        }
    }

    /// <summary>
    /// The SQL inside the portal's deliveries, as EF timed each command: whether the waits are in the database (a
    /// command that meets SQLITE_BUSY is retried by Microsoft.Data.Sqlite after a 150 ms sleep, up to its 30 s timeout).
    /// </summary>
    private static void PrintCommands(List<(string Mode, List<(string Verb, double Milliseconds)> Commands)> sql)
    {
        const string Row = "{0,-12} | {1,-7} | {2,6} | {3,7} | {4,7} | {5,7} | {6,7} | {7,5} | {8,9}";
        Console.WriteLine();
        Console.WriteLine("SQL commands inside the portal's deliveries, as EF timed them (ms, until the first row: a wait for SQLite's write lock"
            + "\nis inside; the INSERT's commit and fsync come after, when its reader closes). Only EF's commands: the row check and"
            + "\nthe log write use their own prepared statements, so this lists just the reloads after a change:");
        var header = string.Format(CultureInfo.InvariantCulture, Row, "mode", "command", "n", "p50", "p95", "p99", "max", ">=150", "total s");
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var (mode, commands) in sql)
        {
            foreach (var group in commands.GroupBy(c => c.Verb).OrderBy(g => g.Key))
            {
                var times = group.Select(c => c.Milliseconds).ToList();
                var latency = Summary.Of(times);
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Row, mode, group.Key, times.Count, latency.Median.ToString("F3"),
                    latency.P95.ToString("F3"), Percentile(times, 0.99).ToString("F1"), times[^1].ToString("F1"), times.Count(ms => ms >= 150),
                    (times.Sum() / 1000).ToString("F2")));
            }
        }
    }

    /// <summary>Nearest rank, of a sorted list.</summary>
    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>
    /// The receiver saw every request with the right credential, and the portal logged every delivery it made,
    /// masked. Prints what it checked; false when something is off.
    /// </summary>
    private static async Task<bool> CheckAsync(BenchDatabase database, LoopbackReceiver receiver, int alertId, string wire, Counts counts)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*), COALESCE(SUM(Delivered), 0), COALESCE(SUM(Attempts), 0), COALESCE(SUM(Attempts = 1), 0),
                   COALESCE(SUM(instr(Headers, $masked) > 0), 0), COALESCE(SUM(instr(Headers || Url, $wire) > 0), 0)
            FROM WebhookDeliveries WHERE AlertId = $alert
            """;
        command.Parameters.AddWithValue("$alert", alertId);
        command.Parameters.AddWithValue("$masked", $"{FieldName}: {CredentialWireFormat.Mask}");
        command.Parameters.AddWithValue("$wire", wire);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (rows, delivered, attempts, firstTry, masked, leaked) =
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));

        var problems = new List<string>();
        // A call that threw wrote no row (the log write is its last step), so rows <= calls; retries add requests.
        if (rows != counts.PortalCalls)
        {
            problems.Add($"{counts.PortalCalls} portal deliveries but {rows} log rows (a call that threw writes none)");
        }
        if (delivered != rows || firstTry != rows || masked != rows)
        {
            problems.Add($"of {rows} log rows {delivered} say delivered, {firstTry} on the first attempt, {masked} show the masked header");
        }
        if (leaked > 0)
        {
            problems.Add($"{leaked} log rows contain the credential's wire value");
        }
        var expected = counts.RawSent + attempts;
        if (receiver.Received != expected)
        {
            problems.Add($"the receiver got {receiver.Received} requests, expected {expected} ({counts.RawSent} raw + {attempts} logged portal attempts)");
        }
        if (receiver.Authenticated != receiver.Received)
        {
            problems.Add($"{receiver.Received - receiver.Authenticated} of {receiver.Received} requests lacked '{FieldName}: {wire}'");
        }

        Console.WriteLine();
        if (problems.Count == 0)
        {
            Console.WriteLine($"Delivery checks: the receiver got all {receiver.Received} requests ({counts.RawSent} raw, {counts.PortalCalls} portal, "
                + $"warm-up included), each with '{FieldName}: {wire}'; {rows} log rows, one per portal delivery, all delivered on the "
                + $"first attempt, header masked, no credential in any row.");
        }
        foreach (var problem in problems)
        {
            Console.WriteLine($"DELIVERY CHECK FAILED: {problem}");
        }
        return problems.Count == 0;
    }

    /// <summary>
    /// Where the portal's time goes: each step of SendTestAsync timed on its own, one at a time, with the same
    /// services; and the log write alone at full concurrency, since SQLite takes one writer at a time.
    /// </summary>
    private static async Task BreakdownAsync(BenchDatabase database, Alert alert, Uri url, HttpClient raw, string rawBody, string wire, int concurrency)
    {
        const int Count = 300;
        var budget = TimeSpan.FromSeconds(1);
        var factory = database.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var credentials = database.Credentials;
        var httpFactory = database.Services.GetRequiredService<IHttpClientFactory>();
        var resolved = await credentials.ResolveAsync(alert.CredentialId!.Value)
            ?? throw new InvalidOperationException("The bench's credential does not resolve.");

        async Task<Attempt> LoadAlert()
        {
            await using var db = await factory.CreateDbContextAsync();
            var found = await db.Set<Alert>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == alert.Id);
            return new(found is not null, 1, found is null ? "alert not found" : null);
        }

        async Task<Attempt> Resolve() =>
            await credentials.ResolveAsync(alert.CredentialId!.Value) is { } c ? new(true, 1, null) : new(false, 1, "credential not found");

        // What the sender does now: both rows read by one prepared statement, the decrypted target reused while they match.
        var targets = database.Services.GetRequiredService<DeliveryTargets>();
        async Task<Attempt> LoadTarget() =>
            await targets.GetAsync(alert.Id) is { Credential: not null } ? new(true, 1, null) : new(false, 1, "alert or credential not found");

        // The typed client's name is the class name; it has the app's handler chain (resilience, connect-time SSRF
        // check, attempt counter) but none of the sender's database work.
        Func<Task<Attempt>> ResilientSend()
        {
            var client = httpFactory.CreateClient(DeliveryRegistration.ClientName);
            return async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(rawBody, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
                };
                CredentialWireFormat.Apply(request, resolved);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                return new(response.IsSuccessStatusCode, 1, response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}");
            };
        }

        // How the sender wrote its log row before DeliveryLog: a new context, one row, SaveChanges. Rows go to a second
        // alert so that the checks above stay exact.
        var logAlert = await database.Alerts.CreateAsync(new AlertInput
        {
            Name = "Bench: log writes",
            Kind = AlertKind.RuntimeAlert,
            Metric = "cpu.percent",
            Comparison = MetricComparison.GreaterThan,
            Threshold = 90,
            WindowMinutes = 5,
        });
        Require(logAlert, "log-write alert");
        // What the sender queues now: DeliveryLog's writer thread, one transaction for all rows queued (here awaited).
        var log = database.Services.GetRequiredService<DeliveryLog>();
        async Task<Attempt> RecordLog()
        {
            await log.RecordAsync(LogRow());
            return new(true, 1, null);
        }
        async Task<Attempt> WriteLog()
        {
            await using var db = await factory.CreateDbContextAsync();
            db.Set<WebhookDelivery>().Add(LogRow());
            await db.SaveChangesAsync();
            return new(true, 1, null);
        }
        WebhookDelivery LogRow() => new()
            {
                AlertId = logAlert.Id,
                SentAtUtc = DateTime.UtcNow,
                IsTest = true,
                Delivered = true,
                StatusCode = 200,
                Attempts = 1,
                DurationMs = 1,
                Method = "POST",
                Url = url.AbsoluteUri,
                Headers = $"Content-Type: application/json\n{FieldName}: {CredentialWireFormat.Mask}",
            };

        // The same row by plain SQL on one open connection, with the file's default synchronous=FULL (an fsync of the
        // WAL on every commit) and with NORMAL (WAL mode's usual choice: durable at checkpoints, never corrupt).
        // Not pooled: the synchronous setting must not outlive this connection.
        await using var writer = new SqliteConnection(new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString());
        await writer.OpenAsync();
        await using var insert = writer.CreateCommand();
        insert.CommandText = """
            INSERT INTO WebhookDeliveries (AlertId, SentAtUtc, IsTest, Delivered, StatusCode, Attempts, DurationMs, Error, Method, Url, Headers)
            VALUES ($alert, $sent, 1, 1, 200, 1, 1, NULL, 'POST', $url, $headers)
            """;
        insert.Parameters.AddWithValue("$alert", logAlert.Id);
        var sent = insert.Parameters.Add("$sent", SqliteType.Text);
        insert.Parameters.AddWithValue("$url", url.AbsoluteUri);
        insert.Parameters.AddWithValue("$headers", $"Content-Type: application/json\n{FieldName}: {CredentialWireFormat.Mask}");
        insert.Prepare();
        Func<Func<Task<Attempt>>> RawInsert(string synchronous) => () =>
        {
            using (var pragma = writer.CreateCommand())
            {
                pragma.CommandText = $"PRAGMA synchronous={synchronous}";
                pragma.ExecuteNonQuery();
            }
            return async () =>
            {
                sent.Value = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
                await insert.ExecuteNonQueryAsync();
                return new(true, 1, null);
            };
        };

        // Part: one of the portal's steps (their sum bounds the path one at a time) or the raw path.
        var steps = new (string Label, Func<Func<Task<Attempt>>> Path, int Concurrency, string? Part)[]
        {
            ("the whole path: WebhookSender.SendTestAsync", () => { var sender = database.CreateSender(); return () => SendPortalAsync(sender, alert.Id); }, 1, null),
            ($"the whole path, {concurrency} at a time", () => { var sender = database.CreateSender(); return () => SendPortalAsync(sender, alert.Id); }, concurrency, null),
            ("  each awaiting its log row (as the overview page does)", () => { var sender = database.CreateSender(); return () => SendPortalAwaitingLogAsync(sender, alert.Id); }, 1, null),
            ("load alert + credential (DeliveryTargets: row check, reuse)", () => LoadTarget, 1, "portal"),
            ("  before: load the alert (EF, new context)", () => LoadAlert, 1, null),
            ("  before: resolve + decrypt the credential", () => Resolve, 1, null),
            ("send via the 'webhook' client (resilience, SSRF connect check)", ResilientSend, 1, "portal"),
            ("send via a plain HttpClient (the raw path)", () => () => SendRawAsync(raw, url, rawBody, wire), 1, "raw"),
            ("write one delivery log row (DeliveryLog's writer, awaited)", () => RecordLog, 1, null),
            ($"write one delivery log row (DeliveryLog), {concurrency} at a time", () => RecordLog, concurrency, null),
            ("  before: one row, EF, new context, SaveChanges", () => WriteLog, 1, null),
            ($"  before: one row, EF, {concurrency} at a time", () => WriteLog, concurrency, null),
            ("  same row, plain SQL on one connection, synchronous=FULL", RawInsert("FULL"), 1, null),
            ("  same row, plain SQL on one connection, synchronous=NORMAL", RawInsert("NORMAL"), 1, null),
            ($"send via the 'webhook' client, {concurrency} at a time", ResilientSend, concurrency, null),
        };
        var medians = new Dictionary<string, double> { ["portal"] = 0, ["raw"] = 0 };
        const string Row = "{0,-64} | {1,4} | {2,5} | {3,7} | {4,7} | {5,7} | {6,7} | {7,5} | {8,6} | {9,6}";
        Console.WriteLine();
        Console.WriteLine($"Where the portal's time goes: the steps of SendTestAsync on their own (up to {Count} each, or {budget.TotalSeconds:F1} s; "
            + "after 20 untimed)");
        var header = string.Format(CultureInfo.InvariantCulture, Row, "step", "infl", "n", "p50", "p95", "p99", "max", ">=150", "per s", "cpu/op");
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var (label, path, inFlight, part) in steps)
        {
            await RunAsync(label, path, 20, inFlight, budget);
            var run = await RunAsync(label, path, inFlight == 1 ? Count : Count * 4, inFlight, budget);
            var latency = Summary.Of(run.Latencies);
            if (part is not null)
            {
                medians[part] += latency.Median;
            }
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Row, label, inFlight, run.Sent, latency.Median.ToString("F3"),
                latency.P95.ToString("F3"), Percentile(run.Latencies, 0.99).ToString("F1"), run.Latencies[^1].ToString("F1"),
                run.Latencies.Count(ms => ms >= 150), run.PerSecond.ToString("F0"), run.CpuPerDelivery.ToString("F3")));
            foreach (var (error, n) in run.Errors.OrderByDescending(e => e.Value).Take(3))
            {
                Console.WriteLine($"   !! {n} x {error}");
            }
        }
        Console.WriteLine($"The portal's two steps on the delivery's own path add up to {medians["portal"]:F3} ms per delivery (p50s; SendTestAsync does a little more; the log row is written by the log's own thread), "
            + $"the raw send to {medians["raw"]:F3} ms:\none at a time the portal's path can reach at most about "
            + $"{100 * medians["raw"] / medians["portal"]:F0}% of the raw baseline with these steps, whatever the warm-up.");
    }

    private static async Task<string> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
