using System.Data.Common;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>
/// The first page walks its sort index (no table scan, no sort of every row) however large the table, and its Used by
/// comes from one grouped count per table, read once and kept until a reference changes: the page's statement reads no
/// alert or level. Sorting by Used by counts through the indexed credential columns.
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
    public async Task The_first_page_walks_its_sort_index_and_takes_Used_by_from_the_kept_counts(CredentialSort sort, bool descending)
    {
        await FillAsync(500);
        var query = new CredentialListQuery(SortBy: sort, Descending: descending, PageSize: 25);
        recorder.Commands.Clear();

        var listed = await database.Credentials.ListAsync(query);
        Assert.Equal(25, listed.Items.Count);

        var page = recorder.Commands.Last(c => c.Text.Contains("ORDER BY", StringComparison.Ordinal));
        var plan = await ExplainAsync(page);
        var text = string.Join("\n", plan);
        Assert.DoesNotContain(plan, l => l.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, l => l == "SCAN c");
        Assert.True(plan.Any(l => l.Contains("INDEX IX_Credentials_", StringComparison.Ordinal)), text);
        Assert.DoesNotContain("\"Alerts\"", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"HierarchyEntities\"", page.Text, StringComparison.Ordinal);
        await AssertUsedByAsync(listed);

        // Kept: the next page reads no alert or level at all.
        recorder.Commands.Clear();
        var again = await database.Credentials.ListAsync(query);
        Assert.DoesNotContain(recorder.Commands, c => c.Text.Contains("\"Alerts\"", StringComparison.Ordinal));
        await AssertUsedByAsync(again);

        // An alert that chooses a credential on the page is counted by the very next page.
        var (shown, before) = (listed.Items[^1].Id, listed.Items[^1].UsedBy);
        var saved = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Chooses it", new Uri("https://hooks.example.com/chooses"), shown));
        Assert.True(saved.Succeeded);
        var after = await database.Credentials.ListAsync(query);
        Assert.Equal(before + 1, after.Items.Single(r => r.Id == shown).UsedBy);
        await AssertUsedByAsync(after);
    }

    private async Task AssertUsedByAsync(CredentialPage listed)
    {
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
