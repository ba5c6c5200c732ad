using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;
using Perfolizer.Mathematics.OutlierDetection;

namespace CredentialPortal.Bench;

/// <summary>
/// A short job, so that a run of every case takes minutes on 2 cores: few, short iterations. The warm-up stays
/// automatic (it ends once the times are steady): EF's first calls keep the JIT busy, and tiered compilation promotes
/// the portal's methods only later. Marked as the default job, so that BenchmarkDotNet's own options
/// (<c>--iterationCount</c>, <c>--warmupCount</c>, <c>--inProcess</c>, …) adjust it.
/// </summary>
internal static class BenchConfig
{
    private static readonly Job Short = Job.Default
        .WithLaunchCount(1)
        .WithMinWarmupCount(4)
        .WithMaxWarmupCount(15)
        .WithIterationCount(6)
        .WithIterationTime(TimeInterval.FromMilliseconds(250))
        .WithId("Short")
        .AsDefault();

    /// <summary>
    /// <c>--per-call</c>: one call per iteration, so that Median and P95 are those of single calls rather than of
    /// iterations' means. 300 warm-up calls (EF and tiered JIT settle), then 400 measured, without a forced collection
    /// between calls (a call's own garbage counts, as it does in the app), and every measured call counted: by default
    /// BenchmarkDotNet drops the slow outliers before its statistics, which hid the very tail that P95 reports.
    /// </summary>
    private static readonly Job PerCall = Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(300)
        .WithIterationCount(400)
        .WithInvocationCount(1)
        .WithUnrollFactor(1)
        .WithGcForce(false)
        .WithOutlierMode(OutlierMode.DontRemove)
        .WithId("PerCall")
        .AsDefault();

    public static IConfig Create(bool perCall = false) => DefaultConfig.Instance
        .AddJob(perCall ? PerCall : Short)
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
        // The cases' labels whole, not cut at 20 characters.
        .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40))
        // The benchmark project's build compiles the portal without the compiler server: on a busy 2-core box it
        // outlasts BenchmarkDotNet's default of 2 minutes.
        .WithBuildTimeout(TimeSpan.FromMinutes(10))
        // Next to the build output rather than in the working folder, which may be the repository.
        .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
}
