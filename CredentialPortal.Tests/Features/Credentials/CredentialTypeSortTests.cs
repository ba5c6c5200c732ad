using System.Data.Common;
using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>
/// The Type column sorts by the names it shows, which is not the order of the stored type numbers, and still walks its
/// index (the 100,000-row list relies on it).
/// </summary>
public sealed class CredentialTypeSortTests : IAsyncLifetime
{
    private readonly CommandRecorder recorder = new();
    private PortalTestDatabase database = default!;

    // Stored numbers 1..6; by name: Basic Auth, Bearer Token, Client ID, Client ID and Secret, HMAC Signature, OAuth 2.0.
    private static readonly string[] ByDisplayName =
        ["Basic Auth", "Bearer Token", "Client ID", "Client ID and Secret", "HMAC Signature", "OAuth 2.0"];

    public async Task InitializeAsync() =>
        database = await PortalTestDatabase.CreateAsync(services =>
            services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(recorder)));

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task InsertOneOfEachTypeAsync(int copies = 1)
    {
        await using var db = await database.CreateDbContextAsync();
        var start = database.Clock.GetUtcNow().UtcDateTime;
        var i = 0;
        for (var copy = 0; copy < copies; copy++)
        {
            foreach (var type in Enum.GetValues<CredentialType>())
            {
                db.Credentials.Add(new Credential
                {
                    Name = $"{type.DisplayName()} {copy}",
                    Type = type,
                    FieldName = "clientid",
                    CreatedUtc = start,
                    LastModifiedUtc = start.AddSeconds(i++),
                    Version = 1,
                });
            }
        }
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Sorting_by_type_follows_the_shown_names_not_the_stored_numbers()
    {
        await InsertOneOfEachTypeAsync();

        var ascending = await database.Credentials.ListAsync(new CredentialListQuery(SortBy: CredentialSort.Type, Descending: false));
        var descending = await database.Credentials.ListAsync(new CredentialListQuery(SortBy: CredentialSort.Type, Descending: true));

        Assert.Equal(ByDisplayName, ascending.Items.Select(r => r.Type.DisplayName()));
        Assert.Equal(ByDisplayName.Reverse(), descending.Items.Select(r => r.Type.DisplayName()));
    }

    // Reads SQLite's query plan.
    [Trait("Provider", "Sqlite")]
    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(false, 3)]
    public async Task The_type_sort_walks_its_index_without_sorting_rows(bool descending, int page)
    {
        await InsertOneOfEachTypeAsync(copies: 50);
        recorder.Commands.Clear();

        var listed = await database.Credentials.ListAsync(new CredentialListQuery(SortBy: CredentialSort.Type, Descending: descending, Page: page, PageSize: 25));
        Assert.Equal(25, listed.Items.Count);

        var pageQuery = recorder.Commands.Last(c => c.Text.Contains("ORDER BY", StringComparison.Ordinal));
        var plan = await ExplainAsync(pageQuery);
        Assert.True(plan.Any(line => line.Contains("INDEX IX_Credentials_Type", StringComparison.Ordinal)), string.Join("\n", plan));
        if (page == 0)
        {
            Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal));
        }
        else
        {
            // Past the first page the OFFSET walk reads ids from the covering index; only the page's own rows, looked up by
            // key, are put back in order.
            Assert.Contains(plan, line => line.Contains("COVERING INDEX IX_Credentials_Type", StringComparison.Ordinal));
        }
    }

    // An upgrade of an older SQLite database: PostgreSQL starts at its first migration, with no old data.
    [Trait("Provider", "Sqlite")]
    [Fact]
    public async Task The_migration_gives_existing_rows_their_type_name_and_no_hint()
    {
        // A database as it was before the migration, with rows of every type.
        await using var db = await database.CreateDbContextAsync();
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var hintsMigration = migrations.Single(m => m.EndsWith("_CredentialHintsAndTypeName", StringComparison.Ordinal));
        await migrator.MigrateAsync(migrations[migrations.IndexOf(hintsMigration) - 1]);
        foreach (var type in Enum.GetValues<CredentialType>())
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO Credentials (Name, Type, FieldName, Location, ProtectedClientId, ProtectedSecret, CreatedUtc, LastModifiedUtc, Version)
                VALUES ({"old " + (int)type}, {(int)type}, 'clientid', 1, '', 'protected', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)
                """);
        }

        await migrator.MigrateAsync();

        var rows = await db.Credentials.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(Enum.GetValues<CredentialType>().Select(t => t.DisplayName()), rows.Select(r => r.TypeName));
        Assert.All(rows, r => Assert.Null(r.SecretHint));
        var listed = await database.Credentials.ListAsync(new CredentialListQuery(SortBy: CredentialSort.Type, Descending: false));
        Assert.Equal(ByDisplayName, listed.Items.Select(r => r.Type.DisplayName()));
    }

    private Task<List<string>> ExplainAsync(RecordedCommand command) => SqlitePlans.ExplainAsync(database.DatabasePath, command);
}
