using System.Data.Common;
using System.Text.RegularExpressions;
using Npgsql;

namespace CredentialPortal.Bench;

/// <summary>
/// Prints the SQL a call sent with its plan (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN), and flags what may
/// grow with the table.
/// </summary>
internal static partial class QueryPlan
{
    public static void Print(string label, DbConnection connection, IReadOnlyList<RecordedCommand> recorded)
    {
        var postgres = connection is NpgsqlConnection;
        Console.WriteLine($"== {label}: SQL as EF sent it (the raw path replays it verbatim) and {(postgres ? "EXPLAIN" : "EXPLAIN QUERY PLAN")}");
        foreach (var command in recorded)
        {
            var plan = postgres ? ExplainPostgres(connection, command) : Explain(connection, command);
            Console.WriteLine(Indent(command.Describe()));
            Console.WriteLine("   QUERY PLAN");
            Console.WriteLine(Indent(string.Join('\n', plan)));
            foreach (var concern in postgres ? PostgresConcerns(plan) : Concerns(plan))
            {
                Console.WriteLine($"   !! {concern}");
            }
        }
    }

    /// <summary>EXPLAIN QUERY PLAN of one recorded command, as an indented tree.</summary>
    private static List<string> Explain(DbConnection connection, RecordedCommand recorded)
    {
        using var command = RawQuery.CreateCommand(connection, recorded, prefix: "EXPLAIN QUERY PLAN ");
        using var reader = command.ExecuteReader();
        var depths = new Dictionary<long, int>();
        var lines = new List<string>();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            var parent = reader.GetInt64(1);
            var depth = depths.TryGetValue(parent, out var parentDepth) ? parentDepth + 1 : 0;
            depths[id] = depth;
            lines.Add(new string(' ', depth * 3) + "`--" + reader.GetString(3));
        }
        return lines;
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

    /// <summary>PostgreSQL's EXPLAIN (estimates, nothing run), one line per row.</summary>
    private static List<string> ExplainPostgres(DbConnection connection, RecordedCommand recorded)
    {
        using var command = RawQuery.CreateCommand(connection, recorded, prefix: "EXPLAIN ");
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }
        return lines;
    }

    /// <summary>The same concerns in PostgreSQL's words: a sequential scan of Credentials, or a sort node.</summary>
    private static IEnumerable<string> PostgresConcerns(IReadOnlyList<string> plan)
    {
        foreach (var step in plan.Select(l => l.TrimStart(' ', '-', '>')))
        {
            if (step.StartsWith("Seq Scan on \"Credentials\"", StringComparison.Ordinal))
            {
                yield return $"table scan: {step}";
            }
            // A node ("Sort  (cost=...)"), not its "Sort Key:" detail line.
            if (step.StartsWith("Sort  (", StringComparison.Ordinal) || step.StartsWith("Incremental Sort  (", StringComparison.Ordinal))
            {
                yield return $"sort outside an index: {step} (costly unless it sorts one page's rows only)";
            }
        }
    }

    [GeneratedRegex(@"^SCAN (Credentials|c\d*)$")]
    private static partial Regex TableScan();

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(line => "   " + line));
}
