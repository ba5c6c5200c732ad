using System.Linq.Expressions;
using System.Numerics;
using System.Text;
using CredentialPortal.Data;
using CredentialPortal.Features.Shared;
using CredentialPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace CredentialPortal.Features.Credentials;

/// <summary>The credential list: paging, sorting and name search, in the database (SQLite or PostgreSQL).</summary>
public sealed partial class CredentialService
{
    public const int MaxPageSize = 100;

    /// <summary>How far a one- or two-character search counts its matches before it reports "more than".</summary>
    public const int ShortSearchCountStep = 1_000;

    private const int MinSearchFragmentForIndex = 3;
    private const int WalkSortIndexAboveMatches = 500;

    /// <summary>Past this many matches from the nearer end, a search's page is cut from its kept order (<see cref="PageOfSearchAsync"/>), not walked to.</summary>
    private const int SearchWalkMaxSkip = 100;

    /// <summary>Up to this many index entries from the nearer end, an unfiltered page is an OFFSET walk (under a millisecond).</summary>
    private const int OffsetWalkMaxEntries = 1_000;

    /// <summary>Up to this many sort-index entries, a LIKE per entry (with its table lookup) beats a second trigram pass.</summary>
    private const int LikeWalkMaxEntries = 3_000;

    /// <summary>A page and its total, which may be a lower bound (see <see cref="CredentialPage.MoreThanTotal"/>).</summary>
    public async Task<CredentialPage> ListAsync(CredentialListQuery query, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var offset = ListUrl.Offset(query.Page, pageSize);
        if (query.Search?.Contains('\0') == true)
        {
            // No name holds U+0000 (CredentialRules refuses it), and neither engine takes it in a pattern: SQLite ends the
            // pattern there (matching more), PostgreSQL refuses the text.
            return new CredentialPage([], 0, false);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One connection (memory-mapped: SqliteConnectionPragmas) for every command of this call.
        await db.Database.OpenConnectionAsync(cancellationToken);

        var credentials = db.Credentials.AsNoTracking();
        var (filtered, total, moreThanTotal, byKey) = await FilterAsync(db, query.Search, offset, pageSize, cancellationToken);
        if (offset >= total)
        {
            return new CredentialPage([], total, moreThanTotal);
        }

        // OFFSET walks the index from its start: past the middle, walk from the other end instead so that
        // the last page costs what the first does. Only with an exact total: a lower bound has no known end.
        var fromEnd = !moreThanTotal && offset > total / 2;
        var take = pageSize;
        var skip = offset;
        if (fromEnd)
        {
            skip = total - offset - pageSize;
            if (skip < 0)
            {
                take += skip;
                skip = 0;
            }
        }

        var descending = query.Descending ^ fromEnd;
        var page = Order(db, filtered, query.SortBy, descending).Skip(skip).Take(take);
        var unfiltered = string.IsNullOrWhiteSpace(query.Search);
        // Late row lookup: the OFFSET walk reads ids from the covering sort index; only the page's rows come from the
        // table. On PostgreSQL a search's walk tests the folded name in that index too, from the first page on; but a few
        // matches looked up by key are sorted and cut in one pass there (Used by is counted after the LIMIT, for the
        // page's rows only): a second lookup would read them again (0.6 -> 0.4 ms for 45 matches at 100k).
        var lateLookup = db.Database.IsNpgsql() ? !byKey && (skip > 0 || !unfiltered) : skip > 0;
        if (!unfiltered && skip >= SearchWalkMaxSkip)
        {
            // Deep in a search: cut the page's ids from the search's matches in this order, read once and kept, rather
            // than walk to the page on every call (on PostgreSQL 15 ms for the middle of 3,876 matches at 100k).
            var pageIds = await PageOfSearchAsync(db, filtered, query, descending, total, skip, take, cancellationToken);
            page = Order(db, credentials.Where(c => EF.Parameter(pageIds).Contains(c.Id)), query.SortBy, descending);
        }
        else if (unfiltered && (skip > OffsetWalkMaxEntries || query.SortBy == CredentialSort.UsedBy))
        {
            // Deep in the unfiltered list, or any page by Used by (which no index holds: every credential is counted):
            // cut the page's ids from the order's cached ids rather than walk half an index or count them all.
            var pageIds = await PageOfOrderAsync(db, query.SortBy, descending, skip, take, cancellationToken);
            page = Order(db, credentials.Where(c => EF.Parameter(pageIds).Contains(c.Id)), query.SortBy, descending);
        }
        else if (query.SortBy == CredentialSort.UsedBy)
        {
            var pageIds = UsedByPageIds(db, filtered, descending, skip, take);
            page = Order(db, credentials.Where(c => pageIds.Contains(c.Id)), query.SortBy, descending);
        }
        else if (lateLookup)
        {
            var pageIds = page.Select(c => c.Id);
            page = Order(db, credentials.Where(c => pageIds.Contains(c.Id)), query.SortBy, descending);
        }
        // Used by from the kept counts, not counted per row in the page's statement (see UsedByCountsAsync).
        var rows = await page.Select(c => new CredentialRow(c.Id, c.Name, c.Type, c.LastModifiedUtc, c.PublicId, 0)).ToListAsync(cancellationToken);
        var usedBy = await UsedByCountsAsync(db, cancellationToken);
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i] = rows[i] with { UsedBy = usedBy.GetValueOrDefault(rows[i].Id) };
        }
        if (fromEnd)
        {
            rows.Reverse();
        }
        return new CredentialPage(rows, total, moreThanTotal);
    }

    private async Task<(IQueryable<Credential> Filtered, int Total, bool MoreThanTotal, bool ByKey)> FilterAsync(
        PortalDbContext db, string? search, int offset, int pageSize, CancellationToken cancellationToken)
    {
        var credentials = db.Credentials.AsNoTracking();
        var fragment = search?.Trim();
        if (string.IsNullOrEmpty(fragment))
        {
            return (credentials, await CountAsync(credentials, cancellationToken), false, false);
        }

        if (db.Database.IsNpgsql())
        {
            // PostgreSQL: LIKE on the name folded to lower case (PostgresPortalDbContext), the fragment folded alike. The
            // matches are counted to the bound on the server; their ids come back only when few enough to be looked up by
            // key. Three characters and more: the trigram index of the narrow indexed copy finds them. Two characters have
            // no trigram: a fragment that folds to two characters is a key of the names' character pairs (the
            // SearchNamePairs migration), read from that index alone; one that folds to another length (the two
            // characters of "İx" fold to three) is matched with LIKE, as a longer fragment. The planner drops the branch
            // whose condition is false, as the fragment is known when it plans.
            var pattern = "%" + EscapeLike(fragment) + "%";
            var bound = CountBound(offset, pageSize);
            FormattableString count = Characters(fragment) == 2
                ? (FormattableString)$"""
                    SELECT count(*)::int AS "Count", CASE WHEN count(*) <= {WalkSortIndexAboveMatches} THEN array_agg(m."Id") END AS "Ids"
                    FROM (SELECT "Id" FROM "CredentialNamePairs"
                          WHERE char_length(lower(({fragment} COLLATE "und-x-icu"))) = 2 AND "Pair" = (lower(({fragment} COLLATE "und-x-icu")) COLLATE "C")
                          UNION ALL
                          SELECT "Id" FROM "CredentialNameSearch"
                          WHERE char_length(lower(({fragment} COLLATE "und-x-icu"))) <> 2 AND "Name" LIKE (lower(({pattern} COLLATE "und-x-icu")) COLLATE "C") ESCAPE '\'
                          LIMIT {bound + 1}) AS m
                    """
                : (FormattableString)$"""
                    SELECT count(*)::int AS "Count", CASE WHEN count(*) <= {WalkSortIndexAboveMatches} THEN array_agg(m."Id") END AS "Ids"
                    FROM (SELECT "Id" FROM "CredentialNameSearch"
                          WHERE "Name" LIKE (lower(({pattern} COLLATE "und-x-icu")) COLLATE "C") ESCAPE '\'
                          LIMIT {bound + 1}) AS m
                    """;
            var matches = await CountMatchesAsync(offset, $"{bound}:{fragment}",
                () => db.Database.SqlQuery<SearchMatches>(count).SingleAsync(cancellationToken));
            // Many matches: walk the order's index, whose entries carry the folded name (no table reads).
            var folded = credentials.Where(c => EF.Functions.Like(
                EF.Property<string>(c, PostgresPortalDbContext.NameFoldedColumn),
                EF.Functions.Collate(EF.Functions.Collate(pattern, PostgresPortalDbContext.SearchCollation).ToLower(), PostgresPortalDbContext.FoldedCollation),
                "\\"));
            return Bounded(credentials, matches.Count, matches.Ids, folded, bound);
        }

        if (Characters(fragment) < MinSearchFragmentForIndex)
        {
            // LIKE folds ASCII letters only: other fragments match as a GLOB of each character's cases (as the index would).
            var ascii = Ascii.IsValid(fragment);
            var pattern = ascii ? "%" + EscapeLike(fragment) + "%" : AnyCaseGlob(fragment);
            var like = ascii
                ? credentials.Where(c => EF.Functions.Like(c.Name, pattern, "\\"))
                : credentials.Where(c => EF.Functions.Glob(c.Name, pattern));
            // Counted to the end, the matches are looked up by key and sorted (at most a few thousand): walking the sort
            // index for them would test a large part of it through table lookups (300 ms for a handful of matches at 100k).
            var bound = CountBound(offset, pageSize);
            var likeIds = await CountMatchesAsync(offset, $"{bound}:{fragment}",
                () => like.Select(c => c.Id).Take(bound + 1).ToArrayAsync(cancellationToken));
            return Bounded(credentials, likeIds.Length, likeIds, like, bound);
        }

        // FTS5 trigram index (see the AddCredentialNameSearch migration): a substring match without a table scan.
        // It holds exactly one row per credential, so it also gives the count without touching the table. The row
        // count (cheap: SQLite counts index pages, not entries) tells how far a walk of the sort index would go.
        var phrase = "\"" + fragment.Replace("\"", "\"\"") + "\"";
        var counts = await db.Database
            .SqlQuery<SearchCounts>($"""
                SELECT (SELECT COUNT(*) FROM CredentialNameSearch WHERE CredentialNameSearch MATCH {phrase}) AS Matches,
                       (SELECT COUNT(*) FROM Credentials) AS Rows
                """)
            .SingleAsync(cancellationToken);
        var total = counts.Matches;
        var ids = db.Database.SqlQuery<int>($"SELECT rowid AS Value FROM CredentialNameSearch WHERE CredentialNameSearch MATCH {phrase}");
        if (total <= WalkSortIndexAboveMatches)
        {
            // Few matches: look them up by key and sort them.
            return (credentials.Where(c => ids.Contains(c.Id)), total, false, true);
        }

        // Many matches: walk the sort's index, from whichever end the page is nearer (see ListAsync), until the
        // page is found; about (rows before the page + page) / share-of-matches index entries.
        var reach = Math.Min(offset, Math.Max(0, total - offset - pageSize)) + pageSize;
        var walk = (long)reach * counts.Rows / total;
        if (walk <= LikeWalkMaxEntries && Ascii.IsValid(fragment))
        {
            // A short walk: test each name with LIKE (a table lookup per entry, but no second trigram pass). ASCII
            // only, where LIKE and the index fold case alike.
            var pattern = "%" + EscapeLike(fragment) + "%";
            return (credentials.Where(c => EF.Functions.Like(c.Name, pattern, "\\")), total, false, false);
        }
        // A long walk (a deep page) or non-ASCII: test ids against the matches in the covering index, without table
        // lookups ("Id + 0" keeps SQLite from looking every match up and sorting them all): 55 -> 8 ms in the middle
        // of 3,876 matches at 100k.
        return (credentials.Where(c => ids.Contains(c.Id + 0)), total, false, false);
    }

    /// <summary>
    /// How many credentials there are: counted once, then kept until a credential is created, edited or deleted
    /// (<see cref="CacheInvalidation.CredentialChanged"/> evicts it here and on the other instances), a minute at most.
    /// Counting reads every page of an index: most of an unfiltered page's cost at 100,000 rows.
    /// </summary>
    private Task<int> CountAsync(IQueryable<Credential> credentials, CancellationToken cancellationToken) =>
        KeptUntilChangedAsync(CacheInvalidation.CredentialCountKey, () => credentials.CountAsync(cancellationToken));

    /// <summary>
    /// The entry at <paramref name="key"/>, or what <paramref name="read"/> reads, kept under that key (which
    /// <see cref="CacheInvalidation"/> evicts on the changes that alter it) and used only until the next change (see
    /// <see cref="StampedCache"/>), a minute at most.
    /// </summary>
    private async Task<T> KeptUntilChangedAsync<T>(string key, Func<Task<T>> read)
        where T : notnull
    {
        var generation = invalidation.CredentialGeneration;
        if (cache.TryGetStamped<T>(key, generation, out var kept))
        {
            return kept;
        }
        var value = await read();
        cache.SetStamped(key, generation, value, CachedReadLifetime);
        return value;
    }

    /// <summary>
    /// A page of the unfiltered list in one order: <paramref name="take"/> ids after <paramref name="skip"/>, cut from all
    /// the ids in that order, read once (one index-only scan: 20-40 ms at 100,000 rows; for Used by a grouped count of
    /// every credential, about 30 ms) and kept like the count, until a credential is created, edited or deleted
    /// (<see cref="CacheInvalidation.CredentialChanged"/> evicts them here and on the other instances; for Used by also
    /// <see cref="CacheInvalidation.ReferencesChanged"/> and <see cref="CacheInvalidation.HierarchyChanged"/>), a minute
    /// at most. An OFFSET walks its index from the start on every call: on PostgreSQL 7-10 ms for the middle page at
    /// 100,000 rows, and more as the list grows.
    /// </summary>
    private async Task<int[]> PageOfOrderAsync(
        PortalDbContext db, CredentialSort sort, bool descending, int skip, int take, CancellationToken cancellationToken)
    {
        var credentials = db.Credentials.AsNoTracking();
        var ids = await KeptUntilChangedAsync(CacheInvalidation.CredentialOrderKey(sort), () =>
            (sort == CredentialSort.UsedBy ? UsedByOrder(db, credentials, descending: false) : Order(db, credentials, sort, descending: false).Select(c => c.Id))
                .ToArrayAsync(cancellationToken));
        // Descending is the ascending order read from its end (every order ends in Id, so each is the other's mirror).
        var start = descending ? ids.Length - skip - take : skip;
        var end = Math.Min(ids.Length, start + take);
        start = Math.Max(0, start);
        return start < end ? ids[start..end] : [];
    }

    /// <summary>
    /// A page deep in a search: <paramref name="take"/> ids after <paramref name="skip"/>, cut from the search's matches in
    /// that order, read to the next power of two past the page (a jump reads at most twice what walking to it would; the
    /// pages up to there then come from memory) and kept (<see cref="KeptAsync"/>).
    /// </summary>
    private async Task<int[]> PageOfSearchAsync(PortalDbContext db, IQueryable<Credential> filtered, CredentialListQuery query,
        bool descending, int total, int skip, int take, CancellationToken cancellationToken)
    {
        var reach = Math.Min(total, (int)BitOperations.RoundUpToPowerOf2((uint)(skip + take)));
        var ids = await KeptAsync($"credential-search:{query.SortBy}:{descending}:{total}:{reach}:{query.Search!.Trim()}",
            () => (query.SortBy == CredentialSort.UsedBy
                    ? UsedByOrder(db, filtered, descending)
                    : Order(db, filtered, query.SortBy, descending).Select(c => c.Id))
                .Take(reach)
                .ToArrayAsync(cancellationToken));
        return skip < ids.Length ? ids[skip..Math.Min(ids.Length, skip + take)] : [];
    }

    /// <summary>
    /// A search's bounded count (its matches, when few), read by <paramref name="count"/>. Past the search's
    /// <see cref="SearchWalkMaxSkip"/>th match it is kept like the deep pages' order (<see cref="KeptAsync"/>): paging on
    /// through a broad search counts its matches again only when the list changes (on PostgreSQL 5-7 ms for 'ing' near
    /// its 18,918th match at 100k). A first page is always counted afresh.
    /// </summary>
    private async Task<T> CountMatchesAsync<T>(int offset, string search, Func<Task<T>> count) =>
        offset < SearchWalkMaxSkip ? await count() : await KeptAsync($"credential-search-count:{search}", count);

    /// <summary>
    /// What <paramref name="read"/> reads of a search, kept for the data it was read from: the key holds
    /// <see cref="CacheInvalidation.CredentialGeneration"/>, which every credential change (and every change of who uses
    /// one, for Used by) moves on, here and on the other instances, so a changed list is read again and the old entry
    /// expires unread, a minute at most.
    /// </summary>
    private async Task<T> KeptAsync<T>(string key, Func<Task<T>> read) =>
        (await cache.GetOrCreateAsync($"{invalidation.CredentialGeneration}:{key}", entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CachedReadLifetime;
            return read();
        }))!;

    /// <summary>
    /// A SQLite GLOB matching <paramref name="fragment"/> anywhere, each letter in any of its cases ("éc" is "*[éÉ][cC]*");
    /// GLOB's own wildcards stand for themselves ("[*]").
    /// </summary>
    private static string AnyCaseGlob(string fragment)
    {
        var glob = new StringBuilder("*");
        foreach (var rune in fragment.EnumerateRunes())
        {
            var cases = new[] { rune, Rune.ToLowerInvariant(rune), Rune.ToUpperInvariant(rune) }.Distinct().ToList();
            if (cases.Count > 1 || rune.Value is '*' or '?' or '[')
            {
                glob.Append('[').AppendJoin("", cases).Append(']');
            }
            else
            {
                glob.Append(rune.ToString());
            }
        }
        return glob.Append('*').ToString();
    }

    /// <summary>Characters, not UTF-16 code units: both engines' indexes count characters ("𠮷野" is two, in three units).</summary>
    private static int Characters(string fragment) => fragment.EnumerateRunes().Count();

    /// <summary>The trigram index's match count and the table's row count, read in one statement.</summary>
    private sealed class SearchCounts
    {
        public int Matches { get; set; }
        public int Rows { get; set; }
    }

    /// <summary>
    /// Matches are counted only to a round bound past the page (1,000; 2,000 once the pages reach 1,000; ...): below it
    /// the count is exact, past it "more than". On SQLite for one or two characters (no trigram to look up: the covering
    /// name index is scanned with LIKE, 13 ms at 100k for a full count), on PostgreSQL for every fragment (an exact count
    /// reads every match, 4-10 ms for a broad fragment at 100k).
    /// </summary>
    private static int CountBound(int offset, int pageSize) => ShortSearchCountStep * (1 + (offset + pageSize) / ShortSearchCountStep);

    /// <summary>
    /// The search's rows and total from <paramref name="count"/> matches counted to <paramref name="bound"/>. With
    /// <paramref name="ids"/> (the matches, when few), they are looked up by key and sorted; without them, or past the
    /// bound, the page is found by walking the sort's index with <paramref name="walk"/>.
    /// </summary>
    private static (IQueryable<Credential> Filtered, int Total, bool MoreThanTotal, bool ByKey) Bounded(
        IQueryable<Credential> credentials, int count, int[]? ids, IQueryable<Credential> walk, int bound)
    {
        if (count > bound)
        {
            // Many matches: walking the sort index with the filter finds a page after a few rows.
            return (walk, bound, true, false);
        }
        if (ids is null)
        {
            return (walk, count, false, false);
        }
        // EF.Parameter: one array parameter (json_each on SQLite) instead of a parameter per id.
        return (credentials.Where(c => EF.Parameter(ids).Contains(c.Id)), count, false, true);
    }

    /// <summary>A PostgreSQL search's bounded match count, and the matches' ids when they are few.</summary>
    private sealed class SearchMatches
    {
        public int Count { get; set; }
        public int[]? Ids { get; set; }
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    /// <summary>
    /// Every used credential's Used by count, as <see cref="UsedBy"/> counts it: one grouped count per table, kept until
    /// a reference changes or a credential is deleted (<see cref="CacheInvalidation.ReferencesChanged"/>,
    /// <see cref="CacheInvalidation.HierarchyChanged"/>, <see cref="CacheInvalidation.CredentialChanged"/>, here and on
    /// the other instances), a minute at most. Two counts per row in the page's statement took PostgreSQL about 0.25 ms of
    /// planning and execution on every page (0.61 -> 0.38 ms for a first page of 'invoice' at 100,000 credentials); the
    /// first page after a change reads the counts again (the grouped count alone: 26-42 ms for 80,000 alerts over 55,000
    /// credentials).
    /// </summary>
    private Task<Dictionary<int, int>> UsedByCountsAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        KeptUntilChangedAsync(CacheInvalidation.UsedByCountsKey, async () =>
        {
            var alerts = db.Alerts.Where(a => a.CredentialId != null)
                .GroupBy(a => a.CredentialId!.Value).Select(g => new { CredentialId = g.Key, Count = g.Count() });
            var levels = db.HierarchyEntities.Where(e => e.CredentialId != null)
                .GroupBy(e => e.CredentialId!.Value).Select(g => new { CredentialId = g.Key, Count = g.Count() });
            return (await alerts.Concat(levels).ToListAsync(cancellationToken))
                .GroupBy(c => c.CredentialId)
                .ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        });

    /// <summary>
    /// The Used by count: the alerts that chose the credential plus the hierarchy levels that have it as their own, as
    /// <see cref="CredentialUsage.Count"/> counts them (alerts inheriting it through a level follow the level).
    /// </summary>
    private static Expression<Func<Credential, int>> UsedBy(PortalDbContext db) =>
        c => db.Alerts.Count(a => a.CredentialId == c.Id) + db.HierarchyEntities.Count(e => e.CredentialId == c.Id);

    /// <summary>
    /// The page's ids in Used by order. No index holds a count, so this order counts for every (matching) credential:
    /// one grouped count per table joined to the ids (a hash join on PostgreSQL), rather than two index probes per
    /// credential (at 100,000 rows about 1.2 s on PostgreSQL, JIT included, and 300 ms on SQLite).
    /// </summary>
    private static IQueryable<int> UsedByPageIds(PortalDbContext db, IQueryable<Credential> source, bool descending, int skip, int take) =>
        UsedByOrder(db, source, descending).Skip(skip).Take(take);

    /// <summary>The ids of <paramref name="source"/> in Used by order (ties by Id), counted as <see cref="UsedByPageIds"/> says.</summary>
    private static IQueryable<int> UsedByOrder(PortalDbContext db, IQueryable<Credential> source, bool descending)
    {
        var alertCounts = db.Alerts.Where(a => a.CredentialId != null)
            .GroupBy(a => a.CredentialId).Select(g => new { CredentialId = g.Key, Count = (int?)g.Count() });
        var levelCounts = db.HierarchyEntities.Where(e => e.CredentialId != null)
            .GroupBy(e => e.CredentialId).Select(g => new { CredentialId = g.Key, Count = (int?)g.Count() });
        var counted =
            from c in source
            join a in alertCounts on (int?)c.Id equals a.CredentialId into alertsOf
            from a in alertsOf.DefaultIfEmpty()
            join l in levelCounts on (int?)c.Id equals l.CredentialId into levelsOf
            from l in levelsOf.DefaultIfEmpty()
            // A credential without references has no row in a count: the left join gives null there, 0 by COALESCE.
            select new { c.Id, UsedBy = (a!.Count ?? 0) + (l!.Count ?? 0) };
        var ordered = descending
            ? counted.OrderByDescending(x => x.UsedBy).ThenByDescending(x => x.Id)
            : counted.OrderBy(x => x.UsedBy).ThenBy(x => x.Id);
        return ordered.Select(x => x.Id);
    }

    private static IQueryable<Credential> Order(PortalDbContext db, IQueryable<Credential> source, CredentialSort sort, bool descending) => (sort, descending) switch
    {
        // No index can hold a count: sorting by it counts for every (matching) credential. Ties by Id keep paging stable.
        (CredentialSort.UsedBy, false) => source.OrderBy(UsedBy(db)).ThenBy(c => c.Id),
        (CredentialSort.UsedBy, true) => source.OrderByDescending(UsedBy(db)).ThenByDescending(c => c.Id),
        (CredentialSort.Name, false) => source.OrderBy(c => c.Name).ThenBy(c => c.Id),
        (CredentialSort.Name, true) => source.OrderByDescending(c => c.Name).ThenByDescending(c => c.Id),
        (CredentialSort.Type, false) => source.OrderBy(c => c.TypeName).ThenByDescending(c => c.LastModifiedUtc).ThenByDescending(c => c.Id),
        (CredentialSort.Type, true) => source.OrderByDescending(c => c.TypeName).ThenBy(c => c.LastModifiedUtc).ThenBy(c => c.Id),
        (_, false) => source.OrderBy(c => c.LastModifiedUtc).ThenBy(c => c.Id),
        (_, true) => source.OrderByDescending(c => c.LastModifiedUtc).ThenByDescending(c => c.Id),
    };
}
