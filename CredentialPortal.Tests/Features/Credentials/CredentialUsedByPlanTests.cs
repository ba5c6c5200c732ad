using System.Data.Common;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>
/// The Used by count is counted in the page's statement for the rows shown, through the indexed credential columns: the
/// first page still walks its sort index (no table scan, no sort of every row) however large the table.
/// </summary>
[Trait("Provider", "Sqlite")] // reads SQLite's query plan
public sealed class CredentialUsedByPlanTests : IAsyncLifetime
{
    private readonly CommandRecorder recorder = new();
    private PortalTestDatabase database = default!;

    public async Task InitializeAsync() =>
        database = await PortalTestDatabase.CreateAsync(services =>
            services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(recorder)));

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task FillAsync(int count)
    {
        await using var db = await database.CreateDbContextAsync();
        var start = database.Clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < count; i++)
        {
            db.Credentials.Add(new Credential
            {
                Name = $"Credential {i}",
                Type = CredentialType.ClientId,
                FieldName = "clientid",
                CreatedUtc = start,
                LastModifiedUtc = start.AddSeconds(i),
                Version = 1,
            });
        }
        await db.SaveChangesAsync();
        var ids = await db.Credentials.OrderBy(c => c.Id).Select(c => c.Id).Take(20).ToListAsync();
        db.Alerts.AddRange(ids.Select(id => new Alert { Name = $"Alert {id}", Kind = AlertKind.RuntimeAlert, CredentialId = id, CreatedUtc = start, LastModifiedUtc = start, Version = 1 }));
        await db.SaveChangesAsync();
        await db.Database.ExecuteSqlRawAsync("ANALYZE;");
    }

    [Theory]
    [InlineData(CredentialSort.LastModified, true)]
    [InlineData(CredentialSort.Name, false)]
    [InlineData(CredentialSort.Type, false)]
    public async Task The_first_page_counts_its_own_rows_through_the_indexes_without_a_scan_or_a_sort(CredentialSort sort, bool descending)
    {
        await FillAsync(500);
        recorder.Commands.Clear();

        var listed = await database.Credentials.ListAsync(new CredentialListQuery(SortBy: sort, Descending: descending, PageSize: 25));
        Assert.Equal(25, listed.Items.Count);

        var plan = await ExplainAsync(recorder.Commands.Last(c => c.Text.Contains("ORDER BY", StringComparison.Ordinal)));
        var text = string.Join("\n", plan);
        Assert.DoesNotContain(plan, l => l.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, l => l == "SCAN c");
        Assert.True(plan.Any(l => l.Contains("INDEX IX_Credentials_", StringComparison.Ordinal)), text);

        // The page's Used by, counted in the same statement for its rows through the credential columns' indexes.
        Assert.Contains(plan, l => l.Contains("INDEX IX_Alerts_CredentialId", StringComparison.Ordinal));
        Assert.Contains(plan, l => l.Contains("INDEX IX_HierarchyEntities_CredentialId", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, l => l.StartsWith("SCAN a", StringComparison.Ordinal) || l.StartsWith("SCAN h", StringComparison.Ordinal));
        await using var db = await database.CreateDbContextAsync();
        var chosen = await db.Alerts.Select(a => a.CredentialId).ToListAsync();
        Assert.All(listed.Items, r => Assert.Equal(chosen.Count(id => id == r.Id), r.UsedBy));
    }

    [Fact]
    public async Task Sorting_by_Used_by_counts_through_the_indexes()
    {
        await FillAsync(100);
        recorder.Commands.Clear();

        var listed = await database.Credentials.ListAsync(new CredentialListQuery(SortBy: CredentialSort.UsedBy, Descending: true, PageSize: 25));
        Assert.All(listed.Items.Take(20), r => Assert.Equal(1, r.UsedBy));
        Assert.All(listed.Items.Skip(20), r => Assert.Equal(0, r.UsedBy));

        var plan = await ExplainAsync(recorder.Commands.Last(c => c.Text.Contains("ORDER BY", StringComparison.Ordinal)));
        Assert.Contains(plan, l => l.Contains("INDEX IX_Alerts_CredentialId", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, l => l.StartsWith("SCAN a", StringComparison.Ordinal) || l.StartsWith("SCAN h", StringComparison.Ordinal));
    }

    private Task<List<string>> ExplainAsync(RecordedCommand command) => SqlitePlans.ExplainAsync(database.DatabasePath, command);
}
