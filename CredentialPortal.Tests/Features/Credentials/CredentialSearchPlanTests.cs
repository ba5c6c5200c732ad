using System.Text.RegularExpressions;
using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>
/// On PostgreSQL a two-character search (no trigram to look up) finds and counts its matches in the B-tree of the names'
/// character pairs, never by reading every name or a table page per match; a search's few matches are read once, sorted
/// and cut.
/// </summary>
public sealed class CredentialSearchPlanTests : IAsyncLifetime
{
    private readonly CommandRecorder recorder = new();
    private PortalTestDatabase database = default!;

    public async Task InitializeAsync() =>
        database = await PortalTestDatabase.CreateAsync(services =>
            services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(recorder)));

    public async Task DisposeAsync() => await database.DisposeAsync();

    [PostgresFact("reads PostgreSQL's query plan")]
    public async Task Two_characters_are_found_through_the_character_pair_index()
    {
        await CredentialListingTests.InsertAsync(database, Enumerable.Range(0, 5_000).Select(i => i % 100 == 0 ? $"Payroll {i}" : $"Hook {i}"));
        await using (var db = await database.CreateDbContextAsync())
        {
            // As autovacuum leaves a table: its visibility map lets an index-only scan skip the table.
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
        }

        recorder.Commands.Clear();
        var page = await database.Credentials.ListAsync(new CredentialListQuery("AY"));
        Assert.Equal(50, page.TotalCount);
        Assert.Equal(25, page.Items.Count);
        Assert.All(page.Items, r => Assert.StartsWith("Payroll", r.Name, StringComparison.Ordinal));

        // Counted from the pairs' B-tree alone: a GIN index (no index-only scan) read a table page per match.
        var plan = await ExplainAsync(recorder.Commands.First(c => c.Text.Contains("\"CredentialNamePairs\"", StringComparison.Ordinal)));
        Assert.True(plan.Contains("Index Only Scan using \"CredentialNamePairs_pkey\"", StringComparison.Ordinal), plan);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Bitmap Heap Scan", plan, StringComparison.Ordinal);
        // The LIKE branch, for fragments that fold to another length, is dropped when the statement is planned.
        Assert.DoesNotContain("CredentialNameSearch", plan, StringComparison.Ordinal);
    }

    [PostgresFact("migrates PostgreSQL's schema down and up again")]
    public async Task The_migration_that_brings_the_character_pairs_fills_them_for_the_names_already_saved()
    {
        await using (var db = await database.CreateDbContextAsync())
        {
            var migrations = db.Database.GetMigrations().ToList();
            var pairs = migrations.Single(m => m.EndsWith("_SearchNamePairs", StringComparison.Ordinal));
            await db.GetService<IMigrator>().MigrateAsync(migrations[migrations.IndexOf(pairs) - 1]);
        }
        await CredentialListingTests.InsertAsync(database, Enumerable.Range(0, 60).Select(i => i % 3 == 0 ? $"Payroll {i}" : $"Hook {i}"));

        await using (var db = await database.CreateDbContextAsync())
        {
            await db.GetService<IMigrator>().MigrateAsync();
        }

        var page = await database.Credentials.ListAsync(new CredentialListQuery("AY", PageSize: 50));
        Assert.Equal(20, page.TotalCount);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"Payroll {i * 3}").Order(), page.Items.Select(r => r.Name).Order());
    }

    [PostgresFact("empties the credentials with TRUNCATE, which no trigger for each row sees")]
    public async Task A_truncate_of_the_credentials_leaves_no_character_pairs_behind()
    {
        await CredentialListingTests.InsertAsync(database, ["Payroll hook"]);
        await using (var db = await database.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("TRUNCATE \"Credentials\" CASCADE");
        }
        await CredentialListingTests.InsertAsync(database, ["Hook"]);

        var page = await database.Credentials.ListAsync(new CredentialListQuery("ay"));

        Assert.Equal((0, 0), (page.TotalCount, page.Items.Count));
    }

    [PostgresFact("reads PostgreSQL's query plan")]
    public async Task A_few_matches_are_read_from_the_table_once_for_their_page()
    {
        await CredentialListingTests.InsertAsync(database, Enumerable.Range(0, 5_000).Select(i => i % 100 == 0 ? $"Payroll {i}" : $"Hook {i}"));
        await using (var db = await database.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }

        foreach (var pageNumber in new[] { 0, 1 })
        {
            recorder.Commands.Clear();
            var page = await database.Credentials.ListAsync(new CredentialListQuery("payroll", CredentialSort.Name, Descending: false, Page: pageNumber));
            Assert.Equal(50, page.TotalCount);
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"Payroll {i * 100}").Order(StringComparer.Ordinal).Skip(pageNumber * 25).Take(25),
                page.Items.Select(r => r.Name));

            // The matches' ids came with their count: the page's statement looks their rows up by key, sorts them and
            // cuts the page, without a second lookup of the page's rows (a late row lookup suits a walk, not this).
            var plan = await ExplainAsync(recorder.Commands.Last(c => c.Text.Contains("ORDER BY", StringComparison.Ordinal)));
            Assert.Single(Regex.Matches(plan, "on \"Credentials\""));
        }
    }

    private async Task<string> ExplainAsync(RecordedCommand command)
    {
        await using var db = await database.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN " + command.Text;
        foreach (var (name, value) in command.Parameters)
        {
            var parameter = explain.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            explain.Parameters.Add(parameter);
        }
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return string.Join("\n", lines);
    }
}
