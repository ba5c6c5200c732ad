using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;

namespace CredentialPortal.Bench;

/// <summary>
/// BenchmarkDotNet runs the credential list and edit benchmarks (each portal call beside the raw replay of its SQL);
/// <c>--api</c>, <c>--delivery</c> and <c>--browser</c> are whole-system measurements that Program runs itself.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        // --provider and --postgres go to the environment, where BenchmarkDotNet's benchmark processes find them too.
        if (BenchProvider.Take(args) is not { } rest)
        {
            return 2;
        }
        if (rest.Any(BenchOptions.Modes.ContainsKey))
        {
            return BenchOptions.Parse([.. rest]) is { } options ? await RunSystemAsync(options) : 2;
        }
        var keep = rest.Remove("--keep");
        var perCall = rest.Remove("--per-call");
        return await RunBenchmarksAsync([.. rest], keep, perCall);
    }

    /// <summary>
    /// Runs the benchmarks that the arguments select (all of them when there are none, rather than BenchmarkDotNet's
    /// interactive menu), on one database filled by the first setup; 1 when a benchmark failed (a wrong answer throws).
    /// </summary>
    private static async Task<int> RunBenchmarksAsync(string[] args, bool keep, bool perCall)
    {
        var folder = BenchDatabase.NewFolder();
        Environment.SetEnvironmentVariable(BenchDatabase.SharedFolderVariable, folder);
        Console.WriteLine($"Database: {BenchProvider.Current}" + (keep ? $", kept after the run: {BenchDatabase.LocationOf(folder)}" : ""));
        try
        {
            var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchProgram).Assembly)
                .Run(args.Length == 0 ? ["--filter", "*"] : args, BenchConfig.Create(perCall));
            return summaries.All(s => !s.HasCriticalValidationErrors && s.Reports.Length == s.BenchmarksCases.Length && s.Reports.All(r => r.Success)) ? 0 : 1;
        }
        finally
        {
            if (!keep)
            {
                await BenchDatabase.DeleteAsync(folder);
            }
        }
    }

    private static async Task<int> RunSystemAsync(BenchOptions options)
    {
#if DEBUG
        Console.WriteLine("WARNING: Debug build; time with -c Release.");
#endif
        var clock = Stopwatch.StartNew();
        await using var database = await BenchDatabase.CreateAsync();
        database.Keep = options.Keep;
        var engine = await database.EngineAsync();
        Console.WriteLine(options.Mode switch
        {
            SystemMode.Browser => $"CredentialPortal browser bench: {options.Rows} credentials, the published portal in Chromium",
            SystemMode.Paired => $"CredentialPortal paired list bench: {options.Rows} credentials, CredentialService next to its raw SQL in turns",
            SystemMode.Delivery => $"CredentialPortal delivery bench: {options.Rows} credentials, the portal on Kestrel at 127.0.0.1, webhooks to a loopback receiver",
            _ => $"CredentialPortal API bench: {options.Rows} credentials, the portal on Kestrel at 127.0.0.1, a token",
        });
        Console.WriteLine($"{RuntimeInformation.FrameworkDescription}, {engine}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}");
        Console.WriteLine($"Load average at start: {LoadAverage()}");
        await database.PrepareAsync(options.Rows, options.Analyze);

        var exit = 0;
        string? verdict = null;
        switch (options.Mode)
        {
            case SystemMode.Browser:
                exit = await BrowserBench.RunAsync(database, options);
                break;
            case SystemMode.Api:
                var api = await ApiBench.RunAsync(database, options);
                Console.WriteLine();
                (exit, verdict) = (api.Correct ? 0 : 1, $"API: {api.Verdict}");
                break;
            case SystemMode.Paired:
                exit = await PairedBench.RunAsync(database, options);
                break;
            case SystemMode.Delivery:
                var delivery = await DeliveryBench.RunAsync(database, options);
                Console.WriteLine();
                (exit, verdict) = (delivery.Correct ? 0 : 1, $"Delivery: {delivery.Verdict}");
                break;
        }
        Console.WriteLine($"Total run time: {clock.Elapsed.TotalSeconds:F1} s; load average at end: {LoadAverage()}"
            + (options.Keep ? $"; database kept: {database.Location} (keys in {database.KeysPath})" : ""));
        if (verdict is not null)
        {
            Console.WriteLine(verdict);
        }
        return exit;
    }

    /// <summary>Other work on the box skews the tail most: the reader should see how busy it was.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
