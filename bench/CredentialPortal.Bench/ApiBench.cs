using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Bench;

/// <summary>
/// The REST API's speed (<c>--api</c>): the whole portal (<c>AddPortal</c>, start-up, <c>UsePortal</c>) on a real Kestrel
/// at 127.0.0.1 over the filled file, called with a token through <see cref="HttpClient"/>.
/// <list type="number">
/// <item>The first page of GET /api/v1/webhook-credentials, one request at a time, alternating with the same list on
/// <see cref="CredentialService"/> in-process (all the service work the endpoint does): p50 and p95 of each. Target:
/// HTTP adds at most 1 ms at p95.</item>
/// <item>Token-authenticated requests per second for one entity's credential (the documented GET of the workspace's
/// webhook credential, or the library's GET of one credential where that route is not mapped) on 1 connection and on
/// 32 concurrent ones, next to a raw baseline: an unauthenticated minimal endpoint in the same host answering a JSON
/// body of the same shape. Target: at least 5,000/s.</item>
/// </list>
/// </summary>
internal static class ApiBench
{
    public const double TargetAddedP95Milliseconds = 1;
    public const double TargetPerSecond = 5_000;

    /// <summary>A Platform-scope token made at start-up (Seed:ApiToken), as automation gets one.</summary>
    internal const string Token = "cpt_bench-api-token-0123456789abcdef0123456789abcdef";

    private const string RawPath = "/bench/raw";
    private const int Rounds = 2;

    public sealed record Report(string Verdict, bool Correct);

    public static async Task<Report> RunAsync(BenchDatabase database, BenchOptions options)
    {
        var shape = new { credential_id = Guid.NewGuid(), credential_hint = "...x7f9", auth_type = "bearer", header_name = "Authorization" };
        await using var portal = await StartPortalAsync(database, map: app => app.MapGet(RawPath, () => TypedResults.Ok(shape)));
        var services = portal.Services;
        var credentials = services.GetRequiredService<CredentialService>();
        var address = AddressOf(portal);
        Console.WriteLine($"Portal on {address} (Production, Kestrel, {database.Location}; Api:PermitsPerMinute raised so the limiter admits the runs)");

        // The entity whose credential the throughput run reads: the default workspace, with a credential of the fill.
        var first = (await credentials.ListAsync(new CredentialListQuery(PageSize: 1))).Items[0];
        await services.GetRequiredService<HierarchyService>().SetCredentialAsync(HierarchyDefaults.DefaultWorkspaceId, first.Id);
        var publicId = first.PublicId;
        var seedRoute = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Any(e => e.RoutePattern.RawText?.Contains("config/{entity_type}/{entity_id", StringComparison.Ordinal) == true
                      && e.RoutePattern.RawText.TrimEnd('/').EndsWith("webhook-credential", StringComparison.Ordinal));
        var oneEntity = seedRoute
            ? $"/api/v1/config/workspace/{HierarchyDefaults.DefaultWorkspaceId}/webhook-credential"
            : $"/api/v1/webhook-credentials/{publicId}";
        if (!seedRoute)
        {
            Console.WriteLine("NOTE: GET /api/v1/config/{entity_type}/{entity_id}/webhook-credential is not mapped in this build; the throughput run reads one library credential instead.");
        }

        var correct = true;
        var latency = await MeasureListAsync(address, credentials, options);
        correct &= latency.Correct;

        Console.WriteLine();
        Console.WriteLine($"Requests per second, {options.ApiSeconds} s per run, {Rounds} rounds alternating raw and API (load average {BenchProgram.LoadAverage()}):");
        Console.WriteLine($"  API: GET {oneEntity} with the token; raw: GET {RawPath}, no authentication, a body of the same shape");
        Console.WriteLine("  path  connections  requests  failed  req/s (mean of rounds)  p50 ms  p95 ms");
        var rates = new Dictionary<(string Path, int Connections), double>();
        foreach (var connections in new[] { 1, 32 })
        {
            var runs = new Dictionary<string, List<Throughput>> { ["raw"] = [], ["api"] = [] };
            await ThroughputAsync(address, oneEntity, connections, TimeSpan.FromSeconds(1)); // warm-up
            await ThroughputAsync(address, RawPath, connections, TimeSpan.FromSeconds(1));
            for (var round = 0; round < Rounds; round++)
            {
                runs["raw"].Add(await ThroughputAsync(address, RawPath, connections, TimeSpan.FromSeconds(options.ApiSeconds)));
                runs["api"].Add(await ThroughputAsync(address, oneEntity, connections, TimeSpan.FromSeconds(options.ApiSeconds)));
            }
            foreach (var (path, list) in runs)
            {
                var all = list.SelectMany(r => r.Latencies).ToList();
                var summary = Summary.Of(all);
                var rate = list.Average(r => r.PerSecond);
                rates[(path, connections)] = rate;
                var failed = list.Sum(r => r.Failed);
                correct &= failed == 0;
                Console.WriteLine($"  {path,-4}  {connections,11}  {list.Sum(r => r.Requests),8}  {failed,6}  {rate,22:F0}  {summary.Median,6:F3}  {summary.P95,6:F3}"
                    + (failed > 0 ? $"  first failure: {list.First(r => r.FirstFailure is not null).FirstFailure}" : ""));
            }
        }

        var slowest = Math.Min(rates[("api", 1)], rates[("api", 32)]);
        var verdict = (latency.AddedP95 <= TargetAddedP95Milliseconds ? "TARGET MET" : "TARGET MISSED")
            + $": HTTP adds {latency.AddedP95:F3} ms at p95 to the list's service work (target <= {TargetAddedP95Milliseconds} ms); "
            + (slowest >= TargetPerSecond ? "TARGET MET" : "TARGET MISSED")
            + $": {rates[("api", 1)]:F0}/s on 1 connection, {rates[("api", 32)]:F0}/s on 32 (target >= {TargetPerSecond:F0}/s; raw {rates[("raw", 1)]:F0} and {rates[("raw", 32)]:F0})"
            + (correct ? "" : "; SOME REQUESTS FAILED");
        return new Report(verdict, correct);
    }

    private sealed record ListLatency(double AddedP95, bool Correct);

    private const int MinListWarmup = 4_000;

    /// <summary>
    /// Alternates an HTTP request for the first page with the service call behind it (the list as the tab makes it, public
    /// ids included), so that both see the same load.
    /// </summary>
    private static async Task<ListLatency> MeasureListAsync(string address, CredentialService credentials, BenchOptions options)
    {
        using var http = Client(address, connections: 1);
        var query = new CredentialListQuery();
        async Task Service() => await credentials.ListAsync(query);
        var correct = true;
        async Task Http()
        {
            using var response = await http.GetAsync("/api/v1/webhook-credentials", HttpCompletionOption.ResponseContentRead);
            correct &= response.StatusCode == HttpStatusCode.OK;
        }

        // The answer itself: the service's first page, in order, under the API's names.
        using (var check = await http.GetAsync("/api/v1/webhook-credentials"))
        {
            var body = await check.Content.ReadAsStringAsync();
            var expected = await credentials.ListAsync(query);
            var names = System.Text.Json.Nodes.JsonNode.Parse(body)!["items"]!.AsArray().Select(i => i!["name"]!.ToString()).ToList();
            if (!names.SequenceEqual(expected.Items.Select(r => r.Name)))
            {
                Console.WriteLine("WRONG RESULT: the API's first page is not the service's.");
                correct = false;
            }
        }

        var samples = Math.Max(options.Iterations, 1_000);
        // Thousands of rounds, not hundreds: until then tiered JIT is still compiling the HTTP path's many methods (Kestrel,
        // the middleware, EF Core), and the figure measures the JIT (HTTP added 1.5 ms at p95 after 300 rounds, 0.6 ms after 4,000).
        for (var i = 0; i < Math.Max(options.Warmup, MinListWarmup); i++)
        {
            await Http();
            await Service();
        }
        var times = new Dictionary<string, List<double>> { ["http"] = [], ["service"] = [] };
        for (var i = 0; i < samples; i++)
        {
            times["http"].Add(await TimeAsync(Http));
            times["service"].Add(await TimeAsync(Service));
        }
        var httpTime = Summary.Of(times["http"]);
        var serviceTime = Summary.Of(times["service"]);

        Console.WriteLine();
        Console.WriteLine($"First page of GET /api/v1/webhook-credentials, {samples} samples each, alternating (load average {BenchProgram.LoadAverage()}):");
        Console.WriteLine("  path                                                      p50 ms   p95 ms");
        Console.WriteLine($"  HTTP on loopback, token, 1 connection                    {httpTime.Median,7:F3}  {httpTime.P95,7:F3}");
        Console.WriteLine($"  CredentialService.ListAsync (the endpoint's service work) {serviceTime.Median,7:F3}  {serviceTime.P95,7:F3}");
        Console.WriteLine($"  HTTP adds: {httpTime.Median - serviceTime.Median:F3} ms at p50, {httpTime.P95 - serviceTime.P95:F3} ms at p95");
        return new ListLatency(httpTime.P95 - serviceTime.P95, correct);
    }

    private sealed record Throughput(int Requests, int Failed, double PerSecond, List<double> Latencies, string? FirstFailure);

    /// <summary><paramref name="connections"/> loops, each a request at a time, over as many connections, for <paramref name="duration"/>.</summary>
    private static async Task<Throughput> ThroughputAsync(string address, string path, int connections, TimeSpan duration)
    {
        using var http = Client(address, connections);
        var latencies = new List<double>[connections];
        var failed = 0;
        string? firstFailure = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
        {
            var own = latencies[worker] = new List<double>(capacity: 100_000);
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
                own.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failed);
                    firstFailure ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                }
            }
        }));
        var elapsed = clock.Elapsed;
        var all = latencies.SelectMany(l => l).ToList();
        return new Throughput(all.Count, failed, (all.Count - failed) / elapsed.TotalSeconds, all, firstFailure);
    }

    internal static HttpClient Client(string address, int connections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false })
        {
            BaseAddress = new Uri(address),
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", Token) },
        };

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>
    /// The portal as Program runs it, on the bench's database (Database:Provider, ConnectionStrings:Portal) and key ring, with the token and a raised per-token limit;
    /// <paramref name="settings"/> add to or override that configuration, <paramref name="map"/> adds baseline routes.
    /// </summary>
    internal static async Task<WebApplication> StartPortalAsync(BenchDatabase database, IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(CredentialService).Assembly.GetName().Name,
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        var configuration = new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.Database.Provider.ToString(),
            ["ConnectionStrings:Portal"] = database.ConnectionString,
            ["DataProtection:KeysPath"] = database.KeysPath,
            ["Seed:ApiToken"] = Token,
            ["Api:PermitsPerMinute"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // appsettings.json logs the app's categories at Information (a line or more per request and attempt); the
            // bench times the work, not the console.
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddPortal();

        var app = builder.Build();
        await app.InitializePortalDatabaseAsync();
        app.UsePortal();
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }

    internal static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
}
