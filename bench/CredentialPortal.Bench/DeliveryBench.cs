using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Bench;

/// <summary>
/// The durable delivery path (<c>--delivery</c>): the whole portal with its delivery worker on Kestrel (as <c>--api</c>
/// starts it), one alert whose webhook points at a loopback receiver in the same process, and:
/// <list type="number">
/// <item>fires accepted per second (POST /api/v1/alerts/{id}/fire with the token; a raw 202 endpoint; DeliveryService
/// in-process), one at a time and 32 at a time;</item>
/// <item>delivered per second end to end (accepted, committed, claimed, sent, recorded) next to raw HttpClient POSTs of
/// the same bodies to the same receiver, with the process's CPU per delivery; on PostgreSQL also with two instances on
/// the one database (a second host in this process, its own worker). Target: at least 2,000/s;</item>
/// <item>accept -> first attempt at 100 fires/s, paced. Target: p99 at most 50 ms;</item>
/// <item>a breakdown on a second host without the worker: CPU per fire alone, then per delivery for claim, send and
/// record, one batch at a time.</item>
/// </list>
/// </summary>
internal static class DeliveryBench
{
    public const double TargetDeliveredPerSecond = 2_000;
    public const double TargetP99Milliseconds = 50;

    private const int Callers = 32;
    private const int LatencyRate = 100;
    private const string RawFirePath = "/bench/fire-raw";
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(3);

    /// <summary>What a monitoring system might send with a fire.</summary>
    private const string FireBody = """{"metric":"cpu.percent","value":97.5,"host":"web-01","region":"eu-west-1"}""";

    private static readonly JsonElement FireData = JsonDocument.Parse(FireBody).RootElement.Clone();

    public sealed record Report(string Verdict, bool Correct);

    public static async Task<Report> RunAsync(BenchDatabase database, BenchOptions options)
    {
        await using var receiver = await Receiver.StartAsync();
        var settings = new Dictionary<string, string?> { ["Webhooks:AllowPrivateNetworks"] = "true" };
        var run = new Run(receiver);
        double delivered, p99;
        double? deliveredByTwo = null;
        await using (var portal = await ApiBench.StartPortalAsync(database, settings, app => app.MapPost(RawFirePath, ([FromBody] JsonElement data) =>
                   {
                       var id = Guid.NewGuid();
                       return TypedResults.Accepted($"/api/v1/deliveries/{id}", new DeliveryAccepted(id));
                   })))
        {
            var address = ApiBench.AddressOf(portal);
            var (alertId, credentialType) = await CreateAlertAsync(portal.Services, receiver);
            run.Use(portal.Services, alertId);
            run.CredentialType = credentialType;
            Console.WriteLine($"Portal on {address} (Production, Kestrel, delivery worker on, Webhooks:AllowPrivateNetworks); receiver on {receiver.Url}");
            Console.WriteLine($"Alert {run.AlertId}: POST to the receiver with the credential {run.CredentialType}; the fire's body: {FireBody}");

            await AcceptRatesAsync(run, address, options);
            var raw = await RawDeliveredAsync(run, options);
            delivered = await DeliveredAsync(run, [address], options, "api");
            if (database.IsPostgres)
            {
                // Several instances on one database: a second host in this process with its own delivery worker; the
                // callers spread their fires over both, and both workers claim from the one queue.
                await using var second = await ApiBench.StartPortalAsync(database, settings);
                var secondAddress = ApiBench.AddressOf(second);
                Console.WriteLine($"  a second instance on {secondAddress} (the same database, its own delivery worker); warm-up first");
                await DeliveredAsync(run, [secondAddress], options with { Fires = Math.Min(options.Fires, 500) }, label: null);
                deliveredByTwo = await DeliveredAsync(run, [address, secondAddress], options, "api x2");
                await second.StopAsync();
            }
            Console.WriteLine($"  deliveries/s side by side: raw HttpClient {raw:F0}, one instance {delivered:F0}"
                + (deliveredByTwo is { } two ? $", two instances {two:F0}" : ""));
            p99 = await LatencyAsync(run, address, options);
            await portal.StopAsync(); // lets the worker end as in production, rather than being cancelled by dispose
        }

        Console.WriteLine();
        Console.WriteLine($"Breakdown: a second host on the same database with Webhooks:WorkerEnabled=false (load average {BenchProgram.LoadAverage()})");
        await using (var quiet = await ApiBench.StartPortalAsync(database, new Dictionary<string, string?>(settings) { ["Webhooks:WorkerEnabled"] = "false" }))
        {
            run.Use(quiet.Services, run.AlertId);
            await BreakdownAsync(run, database, ApiBench.AddressOf(quiet), options);
            await quiet.StopAsync();
        }

        var correct = await CheckAllAsync(run, database);
        var verdict = (delivered >= TargetDeliveredPerSecond ? "TARGET MET" : "TARGET MISSED")
            + $": {delivered:F0} deliveries/s end to end (target >= {TargetDeliveredPerSecond:F0}/s"
            + (deliveredByTwo is { } byTwo ? $"; {byTwo:F0}/s with two instances" : "") + "); "
            + (p99 <= TargetP99Milliseconds ? "TARGET MET" : "TARGET MISSED")
            + $": p99 accept -> first attempt {p99:F1} ms at {LatencyRate} fires/s (target <= {TargetP99Milliseconds:F0} ms)"
            + (correct ? "" : "; DELIVERIES LOST OR FAILED");
        return new Report(verdict, correct);
    }

    /// <summary>The state shared by the phases: the receiver, the live host's services, every delivery accepted so far.</summary>
    private sealed class Run(Receiver receiver)
    {
        public Receiver Receiver { get; } = receiver;
        public IServiceProvider Services { get; private set; } = default!;
        public int AlertId { get; private set; }
        public string CredentialType { get; set; } = "";
        public double RawCpuMsPerDelivery { get; set; } = double.NaN;
        public ConcurrentBag<Guid> Accepted { get; } = [];
        public int Failures;
        public string? FirstFailure;

        public void Use(IServiceProvider services, int alertId) => (Services, AlertId) = (services, alertId);

        public string FirePath => $"/api/v1/alerts/{AlertId}/fire";

        public void Fail(string why)
        {
            Interlocked.Increment(ref Failures);
            Interlocked.CompareExchange(ref FirstFailure, why, null);
        }

        public async Task<int> CountAsync(DeliveryStatus status)
        {
            await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            return await db.Deliveries.CountAsync(d => d.Status == status);
        }
    }

    private static async Task<(int Id, string CredentialType)> CreateAlertAsync(IServiceProvider services, Receiver receiver)
    {
        var credential = (await services.GetRequiredService<CredentialService>().ListAsync(new CredentialListQuery(PageSize: 1))).Items[0];
        var saved = await services.GetRequiredService<AlertService>().CreateAsync(new AlertInput
        {
            Name = "Bench CPU high",
            Kind = AlertKind.RuntimeAlert,
            Metric = "cpu.percent",
            Comparison = MetricComparison.GreaterThan,
            Threshold = 90,
            WindowMinutes = 5,
            WebhookEnabled = true,
            WebhookUrl = receiver.Url + "hook",
            CredentialId = credential.Id,
        });
        if (!saved.Succeeded)
        {
            throw new InvalidOperationException($"The bench's alert was refused: {string.Join("; ", saved.Errors?.SelectMany(e => e.Value) ?? [])}");
        }
        return (saved.Id, $"'{credential.Name}' ({credential.Type})");
    }

    // ---- 1. Fires accepted per second ----

    private static async Task AcceptRatesAsync(Run run, string address, BenchOptions options)
    {
        var service = run.Services.GetRequiredService<DeliveryService>();
        var paths = new (string Name, Func<HttpClient, Task<Guid?>>? Http, bool Real)[]
        {
            ("raw", http => FireAsync(run, http, RawFirePath), false),
            ("api", http => FireAsync(run, http, run.FirePath), true),
            ("service", null, true),
        };
        async Task<Guid?> InProcess()
        {
            var result = await service.FireAsync(run.AlertId, FireData, idempotencyKey: null);
            if (result.Status != DeliveryCommandStatus.Accepted)
            {
                run.Fail($"FireAsync: {result.Status} {result.Reason}");
                return null;
            }
            return result.DeliveryIds[0];
        }

        Console.WriteLine();
        Console.WriteLine($"1. Fires accepted per second, {options.ApiSeconds} s per run; the worker delivers meanwhile, and the queue drains before each run (load average {BenchProgram.LoadAverage()}):");
        Console.WriteLine($"  api: POST {run.FirePath} with the token; raw: POST {RawFirePath}, no authentication, no database, a 202 of the same shape;");
        Console.WriteLine("  service: DeliveryService.FireAsync in-process (no HTTP)");
        Console.WriteLine("  path     callers  accepted  failed  fires/s  p50 ms  p95 ms");
        foreach (var callers in new[] { 1, Callers })
        {
            using var http = ApiBench.Client(address, callers);
            foreach (var (name, fire, real) in paths)
            {
                Func<Task<Guid?>> one = fire is null ? InProcess : () => fire(http);
                await RateAsync(run, one, callers, TimeSpan.FromSeconds(1), real); // warm-up
                await DrainAsync(run);
                var before = run.Failures;
                var result = await RateAsync(run, one, callers, TimeSpan.FromSeconds(options.ApiSeconds), real);
                var summary = Summary.Of(result.Latencies);
                Console.WriteLine($"  {name,-7}  {callers,7}  {result.Latencies.Count,8}  {run.Failures - before,6}  {result.PerSecond,7:F0}  {summary.Median,6:F2}  {summary.P95,6:F2}");
            }
        }
        await DrainAsync(run);
    }

    private sealed record Rate(List<double> Latencies, double PerSecond);

    /// <summary><paramref name="callers"/> loops, each a fire at a time, for <paramref name="duration"/>; real deliveries are remembered.</summary>
    private static async Task<Rate> RateAsync(Run run, Func<Task<Guid?>> fire, int callers, TimeSpan duration, bool real)
    {
        var latencies = new List<double>[callers];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            await Task.Yield();
            var own = latencies[caller] = new List<double>(capacity: 50_000);
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                if (await fire() is { } id)
                {
                    own.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    if (real)
                    {
                        run.Accepted.Add(id);
                    }
                }
            }
        }));
        var all = latencies.SelectMany(l => l).ToList();
        return new Rate(all, all.Count / clock.Elapsed.TotalSeconds);
    }

    /// <summary>One fire over HTTP: the delivery id of its 202, or null (counted as a failure).</summary>
    private static async Task<Guid?> FireAsync(Run run, HttpClient http, string path)
    {
        try
        {
            using var response = await http.PostAsync(path, new StringContent(FireBody, Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                run.Fail($"{(int)response.StatusCode} {body}");
                return null;
            }
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("delivery_id").GetGuid();
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException)
        {
            run.Fail(ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Waits until the receiver has seen every delivery accepted so far and the table records each one Delivered;
    /// false (after saying so) when one failed or the wait ran out.
    /// </summary>
    private static async Task<bool> DrainAsync(Run run, IReadOnlyCollection<Guid>? ids = null)
    {
        var expected = run.Accepted.Count;
        var deadline = Stopwatch.StartNew();
        await run.Receiver.WaitForAsync(ids ?? run.Accepted, DrainTimeout);
        while (deadline.Elapsed < DrainTimeout)
        {
            if (await run.CountAsync(DeliveryStatus.Failed) is > 0 and var failed)
            {
                Console.WriteLine($"  FAILED: {failed} deliveries read Failed.");
                return false;
            }
            if (await run.CountAsync(DeliveryStatus.Delivered) >= expected)
            {
                return true;
            }
            await Task.Delay(5);
        }
        Console.WriteLine($"  LOST: after {DrainTimeout.TotalMinutes:F0} min, not every accepted delivery was received and recorded Delivered.");
        return false;
    }

    // ---- 2. Delivered per second, end to end ----

    /// <summary>The header of the end-to-end table and its floor: raw HttpClient POSTs of the same bodies to the receiver.</summary>
    private static async Task<double> RawDeliveredAsync(Run run, BenchOptions options)
    {
        var n = options.Fires;
        var body = await run.Services.GetRequiredService<DeliveryService>().GetAsync(run.Accepted.First());
        var size = Encoding.UTF8.GetByteCount(body!.Body!);

        Console.WriteLine();
        Console.WriteLine($"2. Delivered per second end to end: {n} fires by {Callers} API callers as fast as they are accepted, until the receiver");
        Console.WriteLine($"   has seen every webhook-id and the table records every delivery Delivered; raw: HttpClient POSTs {n} bodies of {size} bytes");
        Console.WriteLine($"   to the same receiver, {Callers} at a time. CPU: the whole process (client, portal, receiver) / deliveries.");
        if (run.Services.GetRequiredService<PortalDatabase>().IsPostgres)
        {
            Console.WriteLine("   On PostgreSQL also with two instances (api x2): the callers alternate between them, each instance's worker delivers.");
        }
        Console.WriteLine("  path    load avg at start  accepted/s  received all s  recorded all s  delivered/s  CPU ms/delivery  alloc KB/delivery  load avg at end");

        // HttpClient straight to the receiver: the floor of sending.
        var rawLoad = BenchProgram.LoadAverage();
        var rawIds = Enumerable.Range(0, n).Select(i => $"raw_{Guid.NewGuid():N}").ToList();
        var start = Meter.Now();
        using (var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Callers, UseCookies = false }))
        {
            var payload = new string('x', size);
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
            {
                await Task.Yield();
                for (var i = Interlocked.Increment(ref next); i < n; i = Interlocked.Increment(ref next))
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, run.Receiver.Url + "hook")
                    {
                        Content = new StringContent(payload, Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Add("webhook-id", rawIds[i]);
                    using var response = await http.SendAsync(request);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        run.Fail($"raw: {(int)response.StatusCode}");
                    }
                }
            }));
        }
        var raw = Meter.Now().Since(start);
        Console.WriteLine($"  raw     {rawLoad,17}  {"",10}  {raw.Seconds,14:F2}  {"",14}  {n / raw.Seconds,11:F0}  {raw.CpuMs / n,15:F3}  {raw.AllocatedKb / n,17:F1}  {BenchProgram.LoadAverage()}");
        run.RawCpuMsPerDelivery = raw.CpuMs / n;
        return n / raw.Seconds;
    }

    /// <summary>
    /// The portal: <see cref="BenchOptions.Fires"/> fires through the API of <paramref name="addresses"/> (the callers
    /// take them in turn), accepted, then claimed, sent and recorded by the instances' workers; one table line under
    /// <paramref name="label"/> (none for a warm-up).
    /// </summary>
    private static async Task<double> DeliveredAsync(Run run, IReadOnlyList<string> addresses, BenchOptions options, string? label)
    {
        var n = options.Fires;
        var load = BenchProgram.LoadAverage();
        var ids = new ConcurrentBag<Guid>();
        var clients = addresses.Select(a => ApiBench.Client(a, Callers)).ToList();
        var start = Meter.Now();
        try
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(async caller =>
            {
                await Task.Yield();
                var http = clients[caller % clients.Count];
                while (Interlocked.Increment(ref next) < n)
                {
                    if (await FireAsync(run, http, run.FirePath) is { } id)
                    {
                        ids.Add(id);
                        run.Accepted.Add(id);
                    }
                }
            }));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
        var accepted = Meter.Now().Since(start);
        await run.Receiver.WaitForAsync(ids, DrainTimeout);
        var received = Meter.Now().Since(start);
        var drained = await DrainAsync(run, ids);
        var all = Meter.Now().Since(start);
        var rate = drained ? ids.Count / all.Seconds : 0;
        if (label is not null)
        {
            Console.WriteLine($"  {label,-6}  {load,17}  {ids.Count / accepted.Seconds,10:F0}  {received.Seconds,14:F2}  {all.Seconds,14:F2}  {rate,11:F0}  {all.CpuMs / ids.Count,15:F3}  {all.AllocatedKb / ids.Count,17:F1}  {BenchProgram.LoadAverage()}");
            Console.WriteLine($"  {"",6}  the portal's CPU per delivery is {all.CpuMs / ids.Count / run.RawCpuMsPerDelivery:F1}x the raw POST's; over the run the process used {all.CpuMs / all.Seconds / 10:F0}% of one core ({Environment.ProcessorCount} cores)");
        }
        return rate;
    }

    // ---- 3. Accept -> first attempt at light load ----

    private static async Task<double> LatencyAsync(Run run, string address, BenchOptions options)
    {
        var count = LatencyRate * options.LatencySeconds;
        var fires = new List<(Guid Id, long Sent, long Answered)>(count);
        var load = BenchProgram.LoadAverage();
        using (var http = ApiBench.Client(address, 1))
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / LatencyRate) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
                var sent = Stopwatch.GetTimestamp();
                if (await FireAsync(run, http, run.FirePath) is { } id)
                {
                    fires.Add((id, sent, Stopwatch.GetTimestamp()));
                    run.Accepted.Add(id);
                }
            }
        }
        await DrainAsync(run, [.. fires.Select(f => f.Id)]);

        var fromAnswer = new List<double>();
        var fromSent = new List<double>();
        var answer = new List<double>();
        foreach (var (id, sent, answered) in fires)
        {
            answer.Add(Milliseconds(answered - sent));
            if (run.Receiver.FirstSeen(id) is { } seen)
            {
                fromAnswer.Add(Milliseconds(seen - answered));
                fromSent.Add(Milliseconds(seen - sent));
            }
        }
        Console.WriteLine();
        Console.WriteLine($"3. Accept -> first attempt: {fires.Count} fires paced at {LatencyRate}/s, one at a time, over {options.LatencySeconds} s (load average {load} at start, {BenchProgram.LoadAverage()} at end)");
        Console.WriteLine("   to the receiver's first sight of the webhook-id (negative: the attempt arrived before the caller had read its 202)");
        Console.WriteLine("  from                        n    p50 ms   p99 ms   max ms");
        Print("202 answered -> received", fromAnswer);
        Print("request sent -> received", fromSent);
        Print("request sent -> 202 (the API)", answer);
        return Percentile(fromAnswer, 0.99);

        static void Print(string label, List<double> values) =>
            Console.WriteLine($"  {label,-26} {values.Count,4}  {Percentile(values, 0.50),7:F2}  {Percentile(values, 0.99),7:F2}  {(values.Count == 0 ? double.NaN : values.Max()),7:F2}");
    }

    // ---- 4. Breakdown: the worker's stages one at a time ----

    private static async Task BreakdownAsync(Run run, BenchDatabase database, string address, BenchOptions options)
    {
        var n = Math.Min(options.Fires, 2_000);
        var service = run.Services.GetRequiredService<DeliveryService>();
        var queue = run.Services.GetRequiredService<DeliveryQueue>();
        var ids = new ConcurrentBag<Guid>();
        Meter start;
        Console.WriteLine("  stage                                               n   wall s    per s  CPU ms/item  alloc KB/item");
        void Print(string stage, int items, Usage usage) =>
            Console.WriteLine($"  {stage,-48} {items,5}  {usage.Seconds,7:F2}  {items / usage.Seconds,7:F0}  {usage.CpuMs / items,11:F3}  {usage.AllocatedKb / items,13:F1}");

        // This host compiles its own EF queries, and the JIT then promotes the hot code: an untimed round of fires and of
        // the worker's loop (DeliveryWorker.SendDueAsync), then a wait while the JIT is still busy (each line includes
        // what the process burns meanwhile).
        var warm = new List<Guid>();
        for (var i = 0; i < 300; i++)
        {
            var result = await service.FireAsync(run.AlertId, FireData, idempotencyKey: null);
            warm.Add(result.DeliveryIds[0]);
            run.Accepted.Add(result.DeliveryIds[0]);
        }
        var worker = run.Services.GetRequiredService<DeliveryWorker>();
        while (await worker.SendDueAsync() > 0)
        {
        }
        await DrainAsync(run, warm);
        for (var wait = 0; wait < 8 && await IdleAsync("before the stages") > 50; wait++)
        {
        }

        // Fire alone, nothing delivering meanwhile: the floor first, then the service one at a time and 32 at a time.
        var single = Math.Max(n / 4, 1);
        start = Meter.Now();
        await RawFiresAsync(database, run.AlertId, single);
        Print("fire: raw SQL, 1 at a time (the floor, see below)", single, Meter.Now().Since(start));
        // FireAsync's EF steps one by one: what a context and its connection cost, a read, an empty transaction.
        var factory = run.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        async Task Step(string stage, Func<PortalDbContext, Task> work)
        {
            start = Meter.Now();
            for (var i = 0; i < single; i++)
            {
                await using var db = await factory.CreateDbContextAsync();
                await work(db);
            }
            Print(stage, single, Meter.Now().Since(start));
        }
        await Step(database.IsPostgres ? "EF: a context, its connection opened" : "EF: a context, its connection opened (pragmas)", db => db.Database.OpenConnectionAsync());
        await Step("EF: a context, read the alert (AsNoTracking)", db => db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == run.AlertId));
        await Step($"EF: a context, {(database.IsPostgres ? "BEGIN" : "BEGIN IMMEDIATE")} + COMMIT, empty", async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await transaction.CommitAsync();
        });
        start = Meter.Now();
        for (var i = 0; i < single; i++)
        {
            var result = await service.FireAsync(run.AlertId, FireData, idempotencyKey: null);
            ids.Add(result.DeliveryIds[0]);
            run.Accepted.Add(result.DeliveryIds[0]);
        }
        Print("fire: DeliveryService.FireAsync, 1 at a time", single, Meter.Now().Since(start));

        async Task FireAllAsync(Func<Task<Guid?>> fire)
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
            {
                await Task.Yield();
                while (Interlocked.Increment(ref next) < n)
                {
                    if (await fire() is { } id)
                    {
                        ids.Add(id);
                        run.Accepted.Add(id);
                    }
                }
            }));
        }
        start = Meter.Now();
        await FireAllAsync(async () =>
        {
            var result = await service.FireAsync(run.AlertId, FireData, idempotencyKey: null);
            return result.Status == DeliveryCommandStatus.Accepted ? result.DeliveryIds[0] : null;
        });
        Print($"fire: DeliveryService.FireAsync, {Callers} at a time", n, Meter.Now().Since(start));
        using (var http = ApiBench.Client(address, Callers))
        {
            start = Meter.Now();
            await FireAllAsync(() => FireAsync(run, http, run.FirePath));
            Print($"fire: POST the API ({Callers} callers, client incl.)", n, Meter.Now().Since(start));
        }

        // Then what the worker does with them, one batch of DeliveryWorker.BatchSize at a time, stage by stage.
        var sender = run.Services.GetRequiredService<WebhookSender>();
        var stages = new Usage[3];
        var total = 0;
        while (true)
        {
            start = Meter.Now();
            var claimed = await queue.ClaimAsync(DeliveryWorker.BatchSize);
            var claim = Meter.Now();
            if (claimed.Count == 0)
            {
                break;
            }
            var outcomes = await Task.WhenAll(claimed.Select(async d => (d, await sender.AttemptAsync(d))));
            var send = Meter.Now();
            await queue.RecordAsync(outcomes);
            var record = Meter.Now();
            stages[0] += claim.Since(start);
            stages[1] += send.Since(claim);
            stages[2] += record.Since(send);
            total += claimed.Count;
        }
        Print($"claim: DeliveryQueue.ClaimAsync({DeliveryWorker.BatchSize}) with alerts", total, stages[0]);
        Print($"send: WebhookSender.AttemptAsync, {DeliveryWorker.BatchSize} at once", total, stages[1]);
        Print("record: DeliveryQueue.RecordAsync of the batch", total, stages[2]);
        Print("claim + send + record", total, stages[0] + stages[1] + stages[2]);
        await DrainAsync(run, ids);
        await IdleAsync("after the stages");
        Console.WriteLine(database.IsPostgres
            ? "  raw SQL fire: what FireAsync asks of PostgreSQL, on one open connection:"
            : "  raw SQL fire: what FireAsync asks of SQLite, on one open connection with the app's pragmas and prepared commands:");
        Console.WriteLine($"  {(database.IsPostgres ? "BEGIN" : "BEGIN IMMEDIATE")}, read the alert, INSERT the row (not due, deleted afterwards), COMMIT.");
        Console.WriteLine("  send includes the receiver's side, in the same process: compare with the raw line of 2.");
    }

    /// <summary>
    /// The process's CPU over 2 s of doing nothing, by thread name (from /proc: ".NET Tiered Com" is the JIT promoting
    /// methods, ".NET TP Worker" the thread pool, ".NET BGC" the background GC).
    /// </summary>
    /// <returns>The tiered JIT's CPU, ms per second.</returns>
    private static async Task<double> IdleAsync(string when)
    {
        static Dictionary<string, long> Threads()
        {
            var ticks = new Dictionary<string, long>();
            foreach (var task in Directory.Exists("/proc/self/task") ? Directory.GetDirectories("/proc/self/task") : [])
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    ticks[name] = ticks.GetValueOrDefault(name) + long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
                        + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // the thread ended meanwhile
                }
            }
            return ticks;
        }
        var before = Threads();
        var start = Meter.Now();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idle = Meter.Now().Since(start);
        var busiest = Threads().Select(t => (t.Key, Ms: (t.Value - before.GetValueOrDefault(t.Key)) * 10.0 / idle.Seconds))
            .Where(t => t.Ms > 0).OrderByDescending(t => t.Ms).Take(4);
        Console.WriteLine($"  idle {when}: the process waiting 2 s uses {idle.CpuMs / idle.Seconds:F1} ms CPU per second"
            + $" (by thread, ms/s: {string.Join(", ", busiest.Select(t => $"'{t.Key}' {t.Ms:F0}"))})");
        return busiest.Where(t => t.Key.StartsWith(".NET Tiered", StringComparison.Ordinal)).Sum(t => t.Ms);
    }

    /// <summary>
    /// The database work of a fire without EF: the transaction, the alert read and the insert of a delivery row (never
    /// due, so no one claims it; deleted at the end). The same SQL on both engines but for the values' types and
    /// SQLite's BEGIN IMMEDIATE (which takes the write lock up front, as the app's fire does there).
    /// </summary>
    private static async Task RawFiresAsync(BenchDatabase database, int alertId, int count)
    {
        var postgres = database.IsPostgres;
        await using var connection = await database.OpenConnectionAsync();
        DbCommand Command(string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }
        DbParameter Parameter(DbCommand command, string name, object? value = null)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
            return parameter;
        }
        // Never due: SQLite keeps dates as sortable text, PostgreSQL as timestamptz.
        object never = postgres ? new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc) : "9999-12-31 00:00:00";
        await using var begin = Command(postgres ? "BEGIN" : "BEGIN IMMEDIATE");
        await using var commit = Command("COMMIT");
        await using var read = Command("""SELECT * FROM "Alerts" WHERE "Id" = @id LIMIT 1""");
        Parameter(read, "@id", alertId);
        await using var insert = Command("""
            INSERT INTO "Deliveries" ("PublicId", "AlertId", "IsTest", "Status", "Body", "CreatedAtUtc", "DueAtUtc", "ScheduleStep", "AttemptCount")
            VALUES (@publicId, @alertId, @isTest, 0, @body, @now, @never, 0, 0)
            """);
        var publicId = Parameter(insert, "@publicId");
        Parameter(insert, "@alertId", alertId);
        Parameter(insert, "@isTest", false);
        var body = Parameter(insert, "@body");
        var now = Parameter(insert, "@now");
        Parameter(insert, "@never", never);
        var template = new string('x', 361);
        for (var i = 0; i < count; i++)
        {
            await begin.ExecuteNonQueryAsync();
            await using (var reader = await read.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    for (var c = 0; c < reader.FieldCount; c++)
                    {
                        reader.GetValue(c);
                    }
                }
            }
            publicId.Value = postgres ? Guid.NewGuid() : Guid.NewGuid().ToString().ToUpperInvariant();
            body.Value = template;
            now.Value = postgres ? DateTime.UtcNow : DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
            await insert.ExecuteNonQueryAsync();
            await commit.ExecuteNonQueryAsync();
        }
        await using var delete = Command("""DELETE FROM "Deliveries" WHERE "DueAtUtc" = @never""");
        Parameter(delete, "@never", never);
        await delete.ExecuteNonQueryAsync();
    }

    /// <summary>Every delivery accepted in the run reached the receiver and reads Delivered; none is pending or failed.</summary>
    private static async Task<bool> CheckAllAsync(Run run, BenchDatabase database)
    {
        var accepted = run.Accepted.Distinct().ToList();
        var unseen = accepted.Count(id => run.Receiver.FirstSeen(id) is null);
        var notDelivered = Convert.ToInt64(await database.ExecuteScalarAsync("""SELECT COUNT(*) FROM "Deliveries" WHERE "Status" <> 2"""), System.Globalization.CultureInfo.InvariantCulture);
        var rows = Convert.ToInt64(await database.ExecuteScalarAsync("""SELECT COUNT(*) FROM "Deliveries" """), System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"Check: {accepted.Count} deliveries accepted, {rows} rows; {unseen} never reached the receiver; {notDelivered} rows not Delivered; "
            + $"{run.Receiver.Repeats} repeated attempts; {run.Failures} fire requests failed"
            + (run.FirstFailure is null ? "" : $" (first: {run.FirstFailure})"));
        return unseen == 0 && notDelivered == 0 && rows == accepted.Count && run.Failures == 0;
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Nearest-rank percentile; sorts <paramref name="values"/>.</summary>
    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        values.Sort();
        return values[Math.Max(0, (int)Math.Ceiling(p * values.Count) - 1)];
    }

    private readonly record struct Usage(double Seconds, double CpuMs, double AllocatedKb)
    {
        public static Usage operator +(Usage a, Usage b) => new(a.Seconds + b.Seconds, a.CpuMs + b.CpuMs, a.AllocatedKb + b.AllocatedKb);
    }

    /// <summary>The wall clock, the whole process's CPU time and its allocations at one moment.</summary>
    private readonly record struct Meter(long Ticks, TimeSpan Cpu, long Allocated)
    {
        public static Meter Now()
        {
            using var process = Process.GetCurrentProcess();
            return new(Stopwatch.GetTimestamp(), process.TotalProcessorTime, GC.GetTotalAllocatedBytes());
        }

        public Usage Since(Meter start) =>
            new(Milliseconds(Ticks - start.Ticks) / 1000, (Cpu - start.Cpu).TotalMilliseconds, (Allocated - start.Allocated) / 1024.0);
    }

    /// <summary>A loopback webhook receiver: reads the body, answers 200, notes when it first saw each <c>webhook-id</c>.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, long> firstSeen = new();
        private WebApplication app = default!;
        private int repeats;

        public string Url { get; private set; } = "";
        public int Repeats => repeats;

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var receiver = new Receiver { app = builder.Build() };
            receiver.app.Run(receiver.HandleAsync);
            await receiver.app.StartAsync();
            receiver.Url = ApiBench.AddressOf(receiver.app).TrimEnd('/') + "/";
            return receiver;
        }

        private async Task HandleAsync(HttpContext context)
        {
            var seen = Stopwatch.GetTimestamp();
            if (!firstSeen.TryAdd(context.Request.Headers["webhook-id"].ToString(), seen))
            {
                Interlocked.Increment(ref repeats);
            }
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.StatusCode = StatusCodes.Status200OK;
        }

        public long? FirstSeen(Guid deliveryId) => firstSeen.TryGetValue(WebhookId(deliveryId), out var at) ? at : null;

        private static string WebhookId(Guid deliveryId) => "msg_" + deliveryId.ToString("N");

        /// <summary>Returns once every one of <paramref name="ids"/> has been seen, or when <paramref name="timeout"/> passed.</summary>
        public async Task WaitForAsync(IEnumerable<Guid> ids, TimeSpan timeout)
        {
            var waiting = ids.Select(WebhookId).ToList();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                waiting.RemoveAll(firstSeen.ContainsKey);
                if (waiting.Count == 0)
                {
                    return;
                }
                await Task.Delay(2);
            }
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
