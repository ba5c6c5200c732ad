using System.Text;
using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Credentials;

/// <summary>The credential list: paging, sorting and name search, all in SQLite.</summary>
public sealed partial class CredentialService
{
    public const int MaxPageSize = 100;
    private const int MinSearchFragmentForIndex = 3;
    private const int WalkSortIndexAboveMatches = 500;

    public async Task<CredentialPage> ListAsync(CredentialListQuery query, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var offset = Math.Max(0, query.Page) * pageSize;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credentials = db.Credentials.AsNoTracking();
        var (filtered, total) = await FilterAsync(db, query.Search, cancellationToken);
        if (offset >= total)
        {
            return new CredentialPage([], total);
        }

        // OFFSET walks the index from its start: past the middle, walk from the other end instead so that
        // the last page costs what the first does.
        var fromEnd = offset > total / 2;
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
        var page = Order(filtered, query.SortBy, descending).Skip(skip).Take(take);
        if (skip > 0)
        {
            // Late row lookup: the OFFSET walk reads ids from the covering sort index; only the page's rows come from the table.
            var pageIds = page.Select(c => c.Id);
            page = Order(credentials.Where(c => pageIds.Contains(c.Id)), query.SortBy, descending);
        }
        var rows = await page
            .Select(c => new CredentialRow(c.Id, c.Name, c.Type, c.LastModifiedUtc))
            .ToListAsync(cancellationToken);
        if (fromEnd)
        {
            rows.Reverse();
        }
        return new CredentialPage(rows, total);
    }

    private static async Task<(IQueryable<Credential> Filtered, int Total)> FilterAsync(PortalDbContext db, string? search,
        CancellationToken cancellationToken)
    {
        var credentials = db.Credentials.AsNoTracking();
        var fragment = search?.Trim();
        if (string.IsNullOrEmpty(fragment))
        {
            return (credentials, await credentials.CountAsync(cancellationToken));
        }

        if (fragment.Length < MinSearchFragmentForIndex)
        {
            // A trigram index cannot answer one or two characters; this scans the name index (not the table) instead.
            var pattern = "%" + EscapeLike(fragment) + "%";
            var like = credentials.Where(c => EF.Functions.Like(c.Name, pattern, "\\"));
            return (like, await like.CountAsync(cancellationToken));
        }

        // FTS5 trigram index (see the AddCredentialNameSearch migration): a substring match without a table scan.
        // It holds exactly one row per credential, so it also gives the count without touching the table.
        var phrase = "\"" + fragment.Replace("\"", "\"\"") + "\"";
        var total = await db.Database
            .SqlQuery<int>($"SELECT COUNT(*) AS Value FROM CredentialNameSearch WHERE CredentialNameSearch MATCH {phrase}")
            .SingleAsync(cancellationToken);
        if (total > WalkSortIndexAboveMatches && Ascii.IsValid(fragment))
        {
            // Many matches: walking the sort's index and testing each name finds a page after a few hundred rows,
            // without a second pass over the trigram index. ASCII only, where LIKE and the index fold case alike.
            var pattern = "%" + EscapeLike(fragment) + "%";
            return (credentials.Where(c => EF.Functions.Like(c.Name, pattern, "\\")), total);
        }
        var ids = db.Database.SqlQuery<int>($"SELECT rowid AS Value FROM CredentialNameSearch WHERE CredentialNameSearch MATCH {phrase}");
        // With many non-ASCII matches, walk the sort's index testing ids against the matches ("Id + 0" keeps SQLite
        // from looking every match up and sorting them all); with few, look them up.
        var matching = total > WalkSortIndexAboveMatches
            ? credentials.Where(c => ids.Contains(c.Id + 0))
            : credentials.Where(c => ids.Contains(c.Id));
        return (matching, total);
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static IQueryable<Credential> Order(IQueryable<Credential> source, CredentialSort sort, bool descending) => (sort, descending) switch
    {
        (CredentialSort.Name, false) => source.OrderBy(c => c.Name).ThenBy(c => c.Id),
        (CredentialSort.Name, true) => source.OrderByDescending(c => c.Name).ThenByDescending(c => c.Id),
        (CredentialSort.Type, false) => source.OrderBy(c => c.Type).ThenByDescending(c => c.LastModifiedUtc).ThenByDescending(c => c.Id),
        (CredentialSort.Type, true) => source.OrderByDescending(c => c.Type).ThenBy(c => c.LastModifiedUtc).ThenBy(c => c.Id),
        (_, false) => source.OrderBy(c => c.LastModifiedUtc).ThenBy(c => c.Id),
        (_, true) => source.OrderByDescending(c => c.LastModifiedUtc).ThenByDescending(c => c.Id),
    };
}
