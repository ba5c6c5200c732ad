namespace CredentialPortal.Bench;

/// <summary>
/// The command line: <c>--rows N --iterations N --warmup N --budget S --no-analyze --keep --skip-list</c>, and the
/// browser and API modes.
/// </summary>
internal sealed record BenchOptions(
    int Rows,
    int Iterations,
    int Warmup,
    int BudgetSeconds,
    bool Analyze,
    bool Keep,
    bool List,
    bool Browser = false,
    int BrowserSamples = 20,
    int BrowserRuns = 2,
    string? PortalFolder = null,
    bool Api = false,
    int ApiSeconds = 5)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/CredentialPortal.Bench -- [options]
        List phase (CredentialService over a large file):
          --rows N        credentials to insert (default 100000)
          --iterations N  timed iterations per operation and path (default 200)
          --warmup N      untimed iterations before them (default 20)
          --budget S      stop an operation's timed loop after S seconds once it has 50 samples (default 2),
                          so that a slow operation cannot stretch the run; the table prints the sample count
          --no-analyze    skip ANALYZE after the fill (as a production file that never ran it)
          --skip-list     skip the fill and the list phase
        Browser mode (instead of the list phase: the published portal on the filled file, timed in Chromium):
          --browser          navigation -> first rows and click -> rows changed on the Webhook Credentials tab, next to a
                             static HTML table of the same rows and the bare service call
          --browser-samples N  timed samples per measurement (default 20, after a short warm-up)
          --browser-runs N   how many times the whole measurement is repeated in the run (default 2)
          --portal DIR       a published portal to start (default: dotnet publish -c Release into the temp folder)
        API mode (instead of the list phase: the portal on a real Kestrel at 127.0.0.1 over the filled file, with a token):
          --api              the first page of GET /api/v1/webhook-credentials (p50/p95 next to CredentialService), then
                             requests per second for one entity's credential on 1 and 32 connections next to a raw endpoint
          --api-seconds S    length of each requests-per-second run (default 5)
        --keep            keep the database file (path printed) to inspect with sqlite3
        """;

    /// <summary>The options, or null (after printing why) when the command line is wrong or asks for help.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions(Rows: 100_000, Iterations: 200, Warmup: 20, BudgetSeconds: 2, Analyze: true, Keep: false, List: true);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows" when TryCount(args, ++i, 1, out var rows):
                    options = options with { Rows = rows };
                    break;
                case "--iterations" when TryCount(args, ++i, 1, out var iterations):
                    options = options with { Iterations = iterations };
                    break;
                case "--warmup" when TryCount(args, ++i, 0, out var warmup):
                    options = options with { Warmup = warmup };
                    break;
                case "--budget" when TryCount(args, ++i, 1, out var budget):
                    options = options with { BudgetSeconds = budget };
                    break;
                case "--no-analyze":
                    options = options with { Analyze = false };
                    break;
                case "--keep":
                    options = options with { Keep = true };
                    break;
                case "--skip-list":
                    options = options with { List = false };
                    break;
                case "--browser":
                    options = options with { Browser = true, List = false };
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
                case "--api":
                    options = options with { Api = true, List = false };
                    break;
                case "--api-seconds" when TryCount(args, ++i, 1, out var apiSeconds):
                    options = options with { ApiSeconds = apiSeconds };
                    break;
                default:
                    Console.Error.WriteLine(args[i] is "-h" or "--help" ? Usage : $"Unexpected argument '{args[Math.Min(i, args.Length - 1)]}'.\n{Usage}");
                    return null;
            }
        }
        return options;
    }

    private static bool TryCount(string[] args, int index, int minimum, out int value) =>
        int.TryParse(index < args.Length ? args[index] : null, out value) && value >= minimum;
}
