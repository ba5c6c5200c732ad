namespace CredentialPortal.Bench;

/// <summary>The whole-system measurements, run by Program instead of BenchmarkDotNet.</summary>
internal enum SystemMode
{
    Api,
    Browser,
    Delivery,
    Paired,
}

/// <summary>The command line of the whole-system modes: <c>--api</c> or <c>--browser</c> and their options.</summary>
internal sealed record BenchOptions(
    SystemMode Mode,
    int Rows = 100_000,
    int Iterations = 200,
    int Warmup = 20,
    bool Analyze = true,
    bool Keep = false,
    int BrowserSamples = 20,
    int BrowserRuns = 2,
    string? PortalFolder = null,
    int ApiSeconds = 5,
    int Fires = 20_000,
    int LatencySeconds = 10)
{
    /// <summary>The flags that select a whole-system mode; any other command line goes to BenchmarkDotNet.</summary>
    public static readonly IReadOnlyDictionary<string, SystemMode> Modes = new Dictionary<string, SystemMode>
    {
        ["--api"] = SystemMode.Api,
        ["--browser"] = SystemMode.Browser,
        ["--delivery"] = SystemMode.Delivery,
        ["--paired"] = SystemMode.Paired,
    };

    /// <summary>The delivery mode reads no credential list: a small fill gives its alert a credential to send with.</summary>
    private const int DeliveryRows = 1_000;

    /// <summary>Rounds of the paired mode (each takes every case once): a minute or more, many of the host's spells.</summary>
    private const int PairedIterations = 2_000;

    /// <summary>Untimed rounds of the paired mode: enough for the JIT to finish tiering the portal's code.</summary>
    private const int PairedWarmup = 300;

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/CredentialPortal.Bench -- [BenchmarkDotNet options, e.g. --filter *List*]
               dotnet run -c Release --project bench/CredentialPortal.Bench -- --api|--browser|--delivery|--paired [options]
        Common to the whole-system modes (the database the portal runs on):
          --rows N        credentials to insert (default 100000; 1000 with --delivery)
          --no-analyze    skip ANALYZE after the fill (as a production file that never ran it)
        Browser mode (the published portal on the filled file, timed in Chromium):
          --browser          navigation -> first rows and click -> rows changed on the Webhook Credentials tab, next to a
                             static HTML table of the same rows and the bare service call
          --browser-samples N  timed samples per measurement (default 20, after a short warm-up)
          --browser-runs N   how many times the whole measurement is repeated in the run (default 2)
          --portal DIR       a published portal to start (default: dotnet publish -c Release into the temp folder)
        API mode (the portal on a real Kestrel at 127.0.0.1 over the filled file, with a token):
          --api              the first page of GET /api/v1/webhook-credentials (p50/p95 next to CredentialService), then
                             requests per second for one entity's credential on 1 and 32 connections next to a raw endpoint
          --iterations N     timed samples of the first page (at least 1000)
          --warmup N         untimed rounds before them (at least 4000)
          --api-seconds S    length of each requests-per-second run (default 5; with --delivery, of each fires-per-second run)
        Paired mode (the list cases of the BenchmarkDotNet classes, on the filled database):
          --paired           each case's portal call and its raw replay timed in turns in one process, every case once
                             per round, p50/p95 of both
          --iterations N     timed rounds (default 2000)
          --warmup N         untimed rounds before them (default 300)
        Delivery mode (the portal on Kestrel with its delivery worker, webhooks to a loopback receiver):
          --delivery         fires accepted per second (API, raw endpoint, DeliveryService in-process; 1 and 32 at a time),
                             delivered per second end to end next to raw HttpClient, accept -> first attempt latency at
                             100 fires/s, CPU per delivery, and a breakdown of fire, claim, send and record
          --fires N          fires of the end-to-end run (default 20000: about 10 s, a steady state rather than a ramp)
          --latency-seconds S  length of the 100 fires/s latency run (default 10)
        """;

    /// <summary>The options, or null (after printing why) when the command line is wrong or asks for help.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        var modes = args.Where(Modes.ContainsKey).Distinct().ToList();
        if (modes.Count != 1)
        {
            Console.Error.WriteLine($"One mode at a time.\n{Usage}\n{BenchProvider.Usage}");
            return null;
        }
        var options = new BenchOptions(Modes[modes[0]]);
        if (options.Mode == SystemMode.Delivery)
        {
            options = options with { Rows = DeliveryRows };
        }
        if (options.Mode == SystemMode.Paired)
        {
            options = options with { Iterations = PairedIterations, Warmup = PairedWarmup };
        }
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case var flag when Modes.ContainsKey(flag):
                    break;
                case "--rows" when TryCount(args, ++i, 1, out var rows):
                    options = options with { Rows = rows };
                    break;
                case "--iterations" when TryCount(args, ++i, 1, out var iterations):
                    options = options with { Iterations = iterations };
                    break;
                case "--warmup" when TryCount(args, ++i, 0, out var warmup):
                    options = options with { Warmup = warmup };
                    break;
                case "--no-analyze":
                    options = options with { Analyze = false };
                    break;
                case "--keep":
                    options = options with { Keep = true };
                    break;
                case "--browser-samples" when TryCount(args, ++i, 1, out var browserSamples):
                    options = options with { BrowserSamples = browserSamples };
                    break;
                case "--browser-runs" when TryCount(args, ++i, 1, out var browserRuns):
                    options = options with { BrowserRuns = browserRuns };
                    break;
                case "--portal" when i + 1 < args.Length && Directory.Exists(args[i + 1]):
                    options = options with { PortalFolder = Path.GetFullPath(args[++i]) };
                    break;
                case "--api-seconds" when TryCount(args, ++i, 1, out var apiSeconds):
                    options = options with { ApiSeconds = apiSeconds };
                    break;
                case "--fires" when TryCount(args, ++i, 1, out var fires):
                    options = options with { Fires = fires };
                    break;
                case "--latency-seconds" when TryCount(args, ++i, 1, out var latencySeconds):
                    options = options with { LatencySeconds = latencySeconds };
                    break;
                default:
                    Console.Error.WriteLine((args[i] is "-h" or "--help" ? "" : $"Unexpected argument '{args[Math.Min(i, args.Length - 1)]}'.\n") + Usage + "\n" + BenchProvider.Usage);
                    return null;
            }
        }
        return options;
    }

    private static bool TryCount(string[] args, int index, int minimum, out int value) =>
        int.TryParse(index < args.Length ? args[index] : null, out value) && value >= minimum;
}
