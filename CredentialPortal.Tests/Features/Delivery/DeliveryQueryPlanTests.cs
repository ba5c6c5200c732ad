using System.Text.RegularExpressions;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// The statements that run under the write lock again and again read their own index: a claim reads the oldest due rows
/// and stops, a prune chunk the oldest finished ones; neither sorts the whole backlog or log (a temp B-tree).
/// </summary>
[Trait("Provider", "Sqlite")] // SQLite's planner and INDEXED BY; PostgreSQL's planner chooses its indexes by its statistics
public sealed partial class DeliveryQueryPlanTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider logs = new();
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() =>
        bed = await DeliveryTestBed.StartAsync(s => s.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information)));

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [Fact]
    public async Task A_claim_reads_the_due_index_without_sorting_the_backlog()
    {
        var alert = await bed.AlertAsync();
        await bed.FireAsync(alert);

        await bed.Database.Queue.ClaimAsync(32);

        var plan = await PlanAsync(Executed("UPDATE \"Deliveries\" SET \"Status\" = 1"));
        Assert.Contains("IX_Deliveries_Due", plan);
        Assert.DoesNotContain("TEMP B-TREE", plan);
    }

    [Fact]
    public async Task A_prune_reads_the_creation_index_without_sorting_the_log()
    {
        await bed.Database.Queue.PruneAsync();

        var plan = await PlanAsync(Executed("DELETE FROM \"Deliveries\""));
        Assert.Contains("IX_Deliveries_CreatedAtUtc", plan);
        Assert.DoesNotContain("TEMP B-TREE", plan);
    }

    /// <summary>The SQL of the one logged command that starts with <paramref name="start"/>.</summary>
    private string Executed(string start)
    {
        var sql = logs.Lines.Select(line => line[(line.IndexOf('\n') + 1)..].Trim()).Where(sql => sql.StartsWith(start, StringComparison.Ordinal));
        return Assert.Single(sql);
    }

    private async Task<string> PlanAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={bed.Database.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // The plan does not depend on the values: every parameter is bound as 1.
        command.CommandText = "EXPLAIN QUERY PLAN " + Parameter().Replace(sql, "1");
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }
        return string.Join("\n", plan);
    }

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();
}
