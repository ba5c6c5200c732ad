using Bunit;
using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>
/// The list's index paths (short-search ids and count bound, trigram deep pages) against the plainest query: LIKE,
/// ORDER BY, OFFSET. The data are shaped so that each path is the one taken; a wrong page or total fails the test.
/// </summary>
public sealed class CredentialListingTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private CredentialService Service => database.Credentials;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    /// <summary>Inserts names in one save; modification times collide (ties broken by Id) and run out of Id order.</summary>
    internal static async Task InsertAsync(PortalTestDatabase database, IEnumerable<string> names)
    {
        await using var db = await database.CreateDbContextAsync();
        var start = database.Clock.GetUtcNow().UtcDateTime;
        db.Credentials.AddRange(names.Select((name, i) => new Credential
        {
            Name = name,
            Type = i % 3 == 0 ? CredentialType.ClientIdAndSecret : CredentialType.ClientId,
            FieldName = "clientid",
            ProtectedClientId = "not-read-here",
            CreatedUtc = start,
            LastModifiedUtc = start.AddSeconds(i * 7919 % 97),
            Version = 1,
        }));
        await db.SaveChangesAsync();
    }

    private async Task<(List<int> Ids, int Count)> NaiveAsync(CredentialListQuery query)
    {
        await using var db = await database.CreateDbContextAsync();
        var pattern = "%" + (query.Search ?? "").Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        // The plainest case-insensitive match on each engine: SQLite's LIKE; PostgreSQL's ILIKE, on a deterministic collation.
        var matches = TestProvider.IsPostgres
            ? db.Credentials.Where(c => EF.Functions.ILike(EF.Functions.Collate(c.Name, PostgresPortalDbContext.SearchCollation), pattern, "\\"))
            : db.Credentials.Where(c => EF.Functions.Like(c.Name, pattern, "\\"));
        IQueryable<Credential> ordered = (query.SortBy, query.Descending) switch
        {
            (CredentialSort.Name, false) => matches.OrderBy(c => c.Name).ThenBy(c => c.Id),
            (CredentialSort.Name, true) => matches.OrderByDescending(c => c.Name).ThenByDescending(c => c.Id),
            (CredentialSort.Type, false) => matches.OrderBy(c => c.Type).ThenByDescending(c => c.LastModifiedUtc).ThenByDescending(c => c.Id),
            (CredentialSort.Type, true) => matches.OrderByDescending(c => c.Type).ThenBy(c => c.LastModifiedUtc).ThenBy(c => c.Id),
            (_, false) => matches.OrderBy(c => c.LastModifiedUtc).ThenBy(c => c.Id),
            (_, true) => matches.OrderByDescending(c => c.LastModifiedUtc).ThenByDescending(c => c.Id),
        };
        var ids = await ordered.Skip(query.Page * query.PageSize).Take(query.PageSize).Select(c => c.Id).ToListAsync();
        return (ids, await matches.CountAsync());
    }

    private async Task AssertPageAsync(CredentialListQuery query, int expectedTotal, bool moreThanTotal = false)
    {
        var (ids, count) = await NaiveAsync(query);
        var listing = await Service.ListAsync(query);
        Assert.Equal(ids, listing.Items.Select(r => r.Id));
        Assert.Equal(expectedTotal, listing.TotalCount);
        Assert.Equal(moreThanTotal, listing.MoreThanTotal);
        Assert.Equal(moreThanTotal ? expectedTotal : count, listing.TotalCount);
        if (moreThanTotal)
        {
            Assert.True(count > listing.TotalCount, $"'more than {listing.TotalCount}' but {count} match");
        }
        var page = await Service.ListAsync(query);
        Assert.Equal(listing.Items, page.Items);
        Assert.Equal(listing.TotalCount, page.TotalCount);
    }

    // A SQLite connection setting.
    [Trait("Provider", "Sqlite")]
    [Fact]
    public async Task Every_connection_the_app_opens_reads_memory_mapped()
    {
        await using var db = await database.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA mmap_size";
        var mapped = (long)(await command.ExecuteScalarAsync())!;

        Assert.Equal(268_435_456, mapped);
    }

    [Theory]
    [InlineData(CredentialSort.LastModified, true)]
    [InlineData(CredentialSort.Name, false)]
    [InlineData(CredentialSort.Type, true)]
    public async Task A_short_search_with_many_matches_counts_to_a_bound_past_the_page_and_pages_correctly(CredentialSort sort, bool descending)
    {
        // 1,200 names contain "qz" (among 1,500): more than the first bound of 1,000, fewer than the second.
        await InsertAsync(database, Enumerable.Range(0, 1_500).Select(i => i % 10 < 3 && i % 4 != 0 ? $"plain {i}" : $"Q{(i % 2 == 0 ? "z" : "Z")} hook {i}"));
        var matching = (await NaiveAsync(new CredentialListQuery("qz"))).Count;
        Assert.Equal(1_200, matching);

        // The first pages: "more than 1,000"; the rows are still exactly those of the full order.
        await AssertPageAsync(new CredentialListQuery("qz", sort, descending), 1_000, moreThanTotal: true);
        await AssertPageAsync(new CredentialListQuery("qz", sort, descending, Page: 38), 1_000, moreThanTotal: true);
        // The last page under the bound reaches it: the count goes on to the next bound and is then exact.
        await AssertPageAsync(new CredentialListQuery("qz", sort, descending, Page: 39), 1_200);
        await AssertPageAsync(new CredentialListQuery("qz", sort, descending, Page: 46), 1_200);
        await AssertPageAsync(new CredentialListQuery("qz", sort, descending, Page: 47), 1_200);
        // Past the end: no rows, the exact total.
        await AssertPageAsync(new CredentialListQuery("qz", sort, descending, Page: 48), 1_200);
    }

    [Theory]
    [InlineData(CredentialSort.LastModified, true)]
    [InlineData(CredentialSort.LastModified, false)]
    [InlineData(CredentialSort.Name, true)]
    [InlineData(CredentialSort.Type, false)]
    public async Task A_short_search_with_few_matches_looks_them_up_and_pages_exactly(CredentialSort sort, bool descending)
    {
        // 40 matches of "x%" (a LIKE wildcard, escaped) and "x_" among 400: counted to the end, exact.
        await InsertAsync(database, Enumerable.Range(0, 400).Select(i => i % 10 == 0 ? $"rate x% {i}" : i % 10 == 1 ? $"rate xy_{i}" : $"rate {i}"));

        for (var page = 0; page < 5; page++)
        {
            await AssertPageAsync(new CredentialListQuery("X%", sort, descending, page, 7), 40);
        }
        await AssertPageAsync(new CredentialListQuery("y_", sort, descending, 0, 100), 40);
        await AssertPageAsync(new CredentialListQuery("x", sort, descending, 1, 50), 80);
        await AssertPageAsync(new CredentialListQuery("%", sort, descending), 40);
        await AssertPageAsync(new CredentialListQuery("qq", sort, descending), 0);
    }

    [Theory]
    [InlineData(CredentialSort.LastModified, true)]
    [InlineData(CredentialSort.Name, false)]
    [InlineData(CredentialSort.Type, true)]
    public async Task Deep_pages_of_a_trigram_search_test_ids_in_the_sort_index_and_match_the_full_order(CredentialSort sort, bool descending)
    {
        // 600 matches among 8,000: over 500, so the sort index is walked. The first page walks about 25 x 8000/600 =
        // 333 entries (LIKE); the middle (page 12) about 300 x 8000/600 = 4,000, over 3,000 (ids from the trigram index).
        await InsertAsync(database, Enumerable.Range(0, 8_000).Select(i => i % 40 < 3 ? $"Ledger sync {i}" : $"other {i}"));

        foreach (var page in new[] { 0, 1, 10, 11, 12, 13, 22, 23 })
        {
            await AssertPageAsync(new CredentialListQuery("ledger", sort, descending, page), 600);
        }
    }

    [Theory]
    [InlineData(CredentialSort.LastModified, true)]
    [InlineData(CredentialSort.LastModified, false)]
    [InlineData(CredentialSort.Name, false)]
    [InlineData(CredentialSort.Name, true)]
    [InlineData(CredentialSort.Type, true)]
    [InlineData(CredentialSort.Type, false)]
    public async Task Deep_pages_of_the_whole_list_match_the_full_order_and_follow_each_change(CredentialSort sort, bool descending)
    {
        // 3,000 rows: pages 40-80 lie over 1,000 entries from both ends, where the page is cut from the order's ids.
        await InsertAsync(database, Enumerable.Range(0, 3_000).Select(i => $"{(char)('a' + i * 7 % 26)}ccount {i}"));
        var deep = new[] { 0, 40, 59, 60, 61, 80, 119, 120 };
        async Task AssertAllAsync(int total)
        {
            foreach (var page in deep)
            {
                await AssertPageAsync(new CredentialListQuery(null, sort, descending, page), total);
            }
        }
        await AssertAllAsync(3_000);

        // A new credential, renamed and edited later, then one deleted: each change moves the deep pages at once.
        var created = await Service.CreateAsync(CredentialInputs.ClientId("  aaa first"));
        await AssertAllAsync(3_001);
        database.Clock.Advance(TimeSpan.FromMinutes(5));
        var edit = (await Service.GetForEditAsync(created.Id))!.ToInput();
        edit.Name = "zzz renamed";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(created.Id, edit)).Status);
        await AssertAllAsync(3_001);
        Assert.True(await Service.DeleteAsync((await Service.ListAsync(new CredentialListQuery(null, sort, descending, 50))).Items[0].Id));
        Assert.True(await Service.DeleteAsync(created.Id));
        await AssertAllAsync(2_999);
    }

    [Theory]
    [InlineData(CredentialSort.LastModified, true)]
    [InlineData(CredentialSort.Name, false)]
    [InlineData(CredentialSort.Type, true)]
    public async Task Deep_pages_of_a_search_follow_each_creation_rename_and_deletion(CredentialSort sort, bool descending)
    {
        // 600 matches: pages 4-19 of 25 lie past the 100th match from the nearer end, where the page is cut from the
        // search's kept order (read from the end past the middle); pages 0-3 and 20-23 are walked to.
        await InsertAsync(database, Enumerable.Range(0, 1_200).Select(i => i % 2 == 0 ? $"Ledger sync {i}" : $"other {i}"));
        async Task AssertDeepAsync(int total)
        {
            foreach (var page in new[] { 3, 4, 9, 10, 14, 19, 23 })
            {
                await AssertPageAsync(new CredentialListQuery("ledger", sort, descending, page), total);
                // Two characters: no trigram, a count of its own (kept for deep pages too).
                await AssertPageAsync(new CredentialListQuery("GE", sort, descending, page), total);
            }
        }
        await AssertDeepAsync(600);

        var created = await Service.CreateAsync(CredentialInputs.ClientId("Ledger 0 new"));
        await AssertDeepAsync(601);
        database.Clock.Advance(TimeSpan.FromMinutes(5));
        var edit = (await Service.GetForEditAsync(created.Id))!.ToInput();
        edit.Name = "Ledger zz renamed";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(created.Id, edit)).Status);
        await AssertDeepAsync(601);
        edit = (await Service.GetForEditAsync(created.Id))!.ToInput();
        edit.Name = "no match now";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(created.Id, edit)).Status);
        await AssertDeepAsync(600);
        Assert.True(await Service.DeleteAsync((await Service.ListAsync(new CredentialListQuery("ledger", sort, descending, 5))).Items[0].Id));
        await AssertDeepAsync(599);
    }

    [Fact]
    public async Task A_deep_page_of_a_search_by_Used_by_follows_each_alert_that_chooses_a_credential()
    {
        await InsertAsync(database, Enumerable.Range(0, 200).Select(i => $"Ledger {i}"));
        var query = new CredentialListQuery("ledger", CredentialSort.UsedBy, Descending: true, Page: 5, PageSize: 20);
        var before = await Service.ListAsync(query);
        Assert.All(before.Items, r => Assert.Equal(0, r.UsedBy));

        // Used by descending, ties by Id descending: page 5 holds ids 80-99 from the top. A credential of that page chosen
        // by an alert moves to the top; the page then starts one id lower.
        var chosen = before.Items[3].Id;
        Assert.Equal(SaveStatus.Saved, (await database.Alerts.CreateAsync(Alerts.AlertInputs.RuntimeAlert("uses it", new Uri("http://127.0.0.1:9/hook"), credentialId: chosen))).Status);
        var after = await Service.ListAsync(query);
        Assert.DoesNotContain(chosen, after.Items.Select(r => r.Id));
        Assert.Equal(before.Items.Select(r => r.Id).Where(id => id != chosen).Prepend(before.Items[0].Id + 1), after.Items.Select(r => r.Id));
        var top = await Service.ListAsync(query with { Page = 0 });
        Assert.Equal((chosen, 1), (top.Items[0].Id, top.Items[0].UsedBy));
    }

    [Fact]
    public async Task A_search_follows_each_creation_rename_and_deletion()
    {
        // The search's index is kept apart from the row (an FTS5 table on SQLite, an indexed copy on PostgreSQL).
        await InsertAsync(database, Enumerable.Range(0, 50).Select(i => $"Billing {i}"));
        var created = await Service.CreateAsync(CredentialInputs.ClientId("ÉCLAIR Invoices"));
        await AssertPageAsync(new CredentialListQuery("invoices"), 1);
        await AssertPageAsync(new CredentialListQuery("clair inv"), 1);
        await AssertPageAsync(new CredentialListQuery("BILLING"), 50);
        // Two characters (no trigram: character pairs on PostgreSQL, a LIKE scan on SQLite).
        await AssertPageAsync(new CredentialListQuery("AI"), 1);

        var edit = (await Service.GetForEditAsync(created.Id))!.ToInput();
        edit.Name = "Billing receipts";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(created.Id, edit)).Status);
        await AssertPageAsync(new CredentialListQuery("invoices"), 0);
        await AssertPageAsync(new CredentialListQuery("billing"), 51);
        await AssertPageAsync(new CredentialListQuery("receipts"), 1);
        await AssertPageAsync(new CredentialListQuery("ai"), 0);
        await AssertPageAsync(new CredentialListQuery("pT"), 1);

        Assert.True(await Service.DeleteAsync(created.Id));
        await AssertPageAsync(new CredentialListQuery("receipts"), 0);
        await AssertPageAsync(new CredentialListQuery("pt"), 0);
        await AssertPageAsync(new CredentialListQuery("billing"), 50);
    }

    [Theory]
    [InlineData("\u00E9c", "\u00C9CLAIR Invoices", "Eclair hook")]
    [InlineData("\u00C9", "\u00C9CLAIR Invoices", "Eclair hook")]
    [InlineData("\u00E9", "\u00C9CLAIR Invoices", "Eclair hook")]
    [InlineData("\u03A3\u03BF", "\u03C3\u03BF\u03C6\u03AF\u03B1 hook", "Other hook")]
    [InlineData("\u00E9?", "Caf\u00E9? bar", "Caf\u00E9 bar")]
    [InlineData("\u00E9*", "Caf\u00E9* bar", "Caf\u00E9 bar")]
    [InlineData("[\u00E9", "Caf[\u00E9 bar", "Caf\u00E9 bar")]
    // Two characters that fold to three on PostgreSQL (U+0130 lower-cases to "i" and a combining dot): not a pair.
    [InlineData("\u0130x", "\u0130XA hook", "Ix hook")]
    public async Task A_short_search_finds_a_name_in_any_case_of_its_letters_ASCII_or_not(string search, string name, string other)
    {
        // SQLite's LIKE folds only ASCII letters, where its trigram index (three characters and more) folds them all.
        var created = await Service.CreateAsync(CredentialInputs.ClientId(name));
        await Service.CreateAsync(CredentialInputs.ClientId(other));

        var listing = await Service.ListAsync(new CredentialListQuery(search));

        Assert.Equal((created.Id, 1), (Assert.Single(listing.Items).Id, listing.TotalCount));
    }

    [Theory]
    [InlineData("\U00020BB7\u91CE")]
    [InlineData("\u91CE\u5BB6 ")]
    [InlineData("\U0001F600a")]
    public async Task A_search_counts_characters_not_UTF16_code_units(string search)
    {
        // Two characters in three code units: SQLite's trigram index finds nothing under three characters, so such a search
        // must take the short fragments' path there, not the index's.
        var created = await Service.CreateAsync(CredentialInputs.ClientId("\U00020BB7\u91CE\u5BB6 \U0001F600a hook"));
        await Service.CreateAsync(CredentialInputs.ClientId("Other hook"));

        var listing = await Service.ListAsync(new CredentialListQuery(search));

        Assert.Equal((created.Id, 1), (Assert.Single(listing.Items).Id, listing.TotalCount));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_Used_by_order_follows_each_alert_and_level_that_chooses_or_drops_a_credential(bool descending)
    {
        // The order is read once and kept: every change of who uses a credential must reorder it at once.
        await InsertAsync(database, Enumerable.Range(0, 30).Select(i => $"Key {i}"));
        var ids = (await Service.ListAsync(new CredentialListQuery(null, CredentialSort.UsedBy, descending, PageSize: 100))).Items.Select(r => r.Id).ToList();
        Assert.Equal(descending ? ids.OrderDescending() : ids.Order(), ids);
        var (a, b, c) = (ids[10], ids[20], ids[25]);

        async Task AssertOrderAsync(params (int Id, int UsedBy)[] used)
        {
            // Pages of 5: each page's rows come from the kept order, so a stale order shows as rows on the wrong page.
            var rows = new List<CredentialRow>();
            for (var page = 0; page < 6; page++)
            {
                rows.AddRange((await Service.ListAsync(new CredentialListQuery(null, CredentialSort.UsedBy, descending, page, 5))).Items);
            }
            var expected = ids.Select(id => (Id: id, UsedBy: used.Where(u => u.Id == id).Sum(u => u.UsedBy)));
            expected = descending ? expected.OrderByDescending(x => x.UsedBy).ThenByDescending(x => x.Id) : expected.OrderBy(x => x.UsedBy).ThenBy(x => x.Id);
            Assert.Equal(expected, rows.Select(r => (r.Id, r.UsedBy)));
        }

        var first = await database.Alerts.CreateAsync(Alerts.AlertInputs.RuntimeAlert("uses a", new Uri("http://127.0.0.1:9/hook"), credentialId: a));
        Assert.Equal(SaveStatus.Saved, first.Status);
        await AssertOrderAsync((a, 1));
        await database.Alerts.CreateAsync(Alerts.AlertInputs.PlatformEvent("uses b", new Uri("http://127.0.0.1:9/hook"), credentialId: b));
        await database.Alerts.CreateAsync(Alerts.AlertInputs.PlatformEvent("uses b too", new Uri("http://127.0.0.1:9/hook"), credentialId: b));
        await AssertOrderAsync((a, 1), (b, 2));

        var edit = (await database.Alerts.GetForEditAsync(first.Id))!.Value.Input;
        edit.CredentialId = c;
        Assert.Equal(SaveStatus.Saved, (await database.Alerts.UpdateAsync(first.Id, edit)).Status);
        await AssertOrderAsync((c, 1), (b, 2));

        var partner = (await database.Services.GetRequiredService<CredentialPortal.Features.Hierarchy.HierarchyService>().CreateAsync(CredentialPortal.Features.Hierarchy.HierarchyLevel.Partner, "Acme", null)).Id;
        await database.Services.GetRequiredService<CredentialPortal.Features.Hierarchy.HierarchyService>().SetCredentialAsync(partner, a);
        await AssertOrderAsync((c, 1), (b, 2), (a, 1));

        Assert.True(await database.Alerts.DeleteAsync(first.Id));
        await AssertOrderAsync((b, 2), (a, 1));
    }
}

public sealed class CredentialListingPagerTests : PortalComponentTest
{
    private static void AssertPager(IRenderedComponent<CredentialsPage> page, string expected)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(page.Find(".mud-table-pagination").TextContent, @"\s+", " ");
        Assert.True(text.Contains(expected, StringComparison.Ordinal), $"pager: '{text}'");
    }

    [Fact]
    public async Task The_table_pager_says_more_than_when_a_short_search_is_not_counted_to_the_end()
    {
        await CredentialListingTests.InsertAsync(Database, Enumerable.Range(0, 1_100).Select(i => $"Relay {i}"));

        var page = Render<CredentialsPage>();
        page.WaitForAssertion(() => AssertPager(page, "1-25 of 1,100"));

        await page.Find("input[type=text]").InputAsync(new() { Value = "ay" });
        page.WaitForAssertion(() => AssertPager(page, "1-25 of more than 1,000"),
            TimeSpan.FromSeconds(30)); // the search box debounces on a real timer; parallel tests (and CI's two cores) load the CPU

        // A trigram search is counted exactly again.
        await page.Find("input[type=text]").InputAsync(new() { Value = "lay 1" });
        page.WaitForAssertion(() => AssertPager(page, "1-25 of 211"),
            TimeSpan.FromSeconds(30)); // the search box debounces on a real timer; parallel tests (and CI's two cores) load the CPU
    }
}
