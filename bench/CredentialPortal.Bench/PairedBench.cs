using System.Diagnostics;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Bench;

/// <summary>
/// The list cases of the BenchmarkDotNet classes, timed as portal call and raw replay alternately in one process, every
/// case once per round: on a shared box the host's slow spells then fall on both sides and on every case alike, where
/// BenchmarkDotNet times each side of each case in its own second or so (see the bench's README).
/// </summary>
internal static class PairedBench
{
    public static async Task<int> RunAsync(BenchDatabase database, BenchOptions options)
    {
        var cases = Enum.GetValues<CredentialSort>()
            .SelectMany(sort => new[] { true, false }.Select(descending =>
                ($"first page, {sort} {(descending ? "desc" : "asc")}", new CredentialListQuery(SortBy: sort, Descending: descending))))
            .Concat(DeepPageBenchmarks.Cases)
            .Concat(NameSearchBenchmarks.Cases.Select(c => ($"search {c.Label}", c.Query)))
            .ToList();
        var credentials = database.Credentials;
        await using var connection = await database.OpenConnectionAsync();
        Console.WriteLine($"{options.Warmup} untimed rounds, then {options.Iterations} timed; a round takes every case in turn, and a case is one portal");
        Console.WriteLine("call and the raw replay of the same SQL (prepared, on one open connection), in turns; p50/p95 in ms.");
        Console.WriteLine();
        Console.WriteLine($"{"case",-48} {"portal p50",10} {"p95",6} {"raw p50",8} {"p95",6}");
        var exit = 0;
        var timed = new List<(string Label, CredentialListQuery Query, RawQuery Replay, List<double> Portal, List<double> Raw)>();
        foreach (var (label, query) in cases)
        {
            // One call first: the replay is the SQL of a warm call, as in the BenchmarkDotNet classes.
            await credentials.ListAsync(query);
            var rows = 0;
            var recorded = await database.Recorder.CaptureAsync(async () => rows = (await credentials.ListAsync(query)).Items.Count);
            var replay = new RawQuery(connection, recorded, listPage: true);
            if (replay.Run() != rows)
            {
                Console.WriteLine($"{label,-48} WRONG RESULT: the raw replay's rows differ from the call's {rows}");
                replay.Dispose();
                exit = 1;
                continue;
            }
            timed.Add((label, query, replay, new(options.Iterations), new(options.Iterations)));
        }

        for (var round = -options.Warmup; round < options.Iterations; round++)
        {
            foreach (var (_, query, replay, portal, raw) in timed)
            {
                // Turns swap every round, so that neither side always follows the other.
                for (var turn = 0; turn < 2; turn++)
                {
                    var portalTurn = (turn == 0) == (round % 2 == 0);
                    var start = Stopwatch.GetTimestamp();
                    if (portalTurn)
                    {
                        await credentials.ListAsync(query);
                    }
                    else
                    {
                        replay.Run();
                    }
                    if (round >= 0)
                    {
                        (portalTurn ? portal : raw).Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }
            }
        }

        foreach (var (label, _, replay, portal, raw) in timed)
        {
            var (portalTimes, rawTimes) = (Summary.Of(portal), Summary.Of(raw));
            Console.WriteLine($"{label,-48} {portalTimes.Median,10:F2} {portalTimes.P95,6:F2} {rawTimes.Median,8:F2} {rawTimes.P95,6:F2}");
            replay.Dispose();
        }
        return exit;
    }
}
