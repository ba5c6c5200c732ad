using System.Globalization;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Audit;

/// <summary>
/// What the audit log is filtered by: the actor (as recorded: an email, a token's name, "system"), the object (its type,
/// and its id within that type), a time range (from inclusive, to exclusive), and a page (from 0).
/// </summary>
public sealed record AuditQuery(
    string? Actor = null,
    string? ObjectType = null,
    string? ObjectId = null,
    DateTime? FromUtc = null,
    DateTime? ToUtc = null,
    int Page = 0,
    int PageSize = 25);

/// <summary>One entry as the page and the API show it, its changes read from their JSON.</summary>
public sealed record AuditRow(
    long Id,
    DateTime AtUtc,
    string Actor,
    string Action,
    string ObjectType,
    string? ObjectId,
    string? ObjectName,
    IReadOnlyList<AuditChange> Changes);

/// <summary>A page of entries. <see cref="MoreThanTotal"/>: counting stopped at <see cref="Total"/>, and more entries match.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRow> Items, int Total, bool MoreThanTotal);

/// <summary>Reads the audit trail, newest first. It only reads: nothing here or anywhere changes an entry.</summary>
public sealed class AuditService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxPageSize = 100;

    /// <summary>
    /// Counting every match of a long trail reads all of it; the count goes this far past the page at most, in steps, and
    /// says "more than" beyond.
    /// </summary>
    public const int CountStep = 1_000;

    /// <summary>The object types entries are recorded for (the filter's choices).</summary>
    public static readonly IReadOnlyList<string> ObjectTypes = ["credential", "alert", "hierarchy", "api-token", "user", "delivery"];

    public async Task<AuditPage> ListAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        if (new[] { query.Actor, query.ObjectType, query.ObjectId }.Any(filter => filter?.Contains('\0') == true))
        {
            // No entry holds U+0000, and PostgreSQL refuses it in text.
            return new AuditPage([], 0, false);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var actor = query.Actor.Trim();
            entries = entries.Where(e => e.Actor == actor);
        }
        if (!string.IsNullOrWhiteSpace(query.ObjectType))
        {
            var type = query.ObjectType.Trim().ToLowerInvariant();
            entries = entries.Where(e => e.ObjectType == type);
        }
        if (!string.IsNullOrWhiteSpace(query.ObjectId))
        {
            var id = query.ObjectId.Trim();
            entries = entries.Where(e => e.ObjectId == id);
        }
        if (Utc(query.FromUtc) is DateTime from)
        {
            entries = entries.Where(e => e.AtUtc >= from);
        }
        if (Utc(query.ToUtc) is DateTime to)
        {
            entries = entries.Where(e => e.AtUtc < to);
        }

        // Walks the index newest first (AtUtc, Id) and stops at the page; the count is bounded the same way.
        var skip = ListUrl.Offset(query.Page, pageSize);
        var bound = CountStep * (1 + (skip + pageSize) / CountStep);
        var counted = await entries.Select(e => e.Id).Take(bound + 1).CountAsync(cancellationToken);
        var rows = await entries.OrderByDescending(e => e.AtUtc).ThenByDescending(e => e.Id)
            .Skip(skip).Take(pageSize)
            .ToListAsync(cancellationToken);
        return new AuditPage(
            rows.Select(e => new AuditRow(e.Id, e.AtUtc, e.Actor, e.Action, e.ObjectType, e.ObjectId, e.ObjectName, AuditTrail.ChangesOf(e.Changes))).ToList(),
            Math.Min(counted, bound),
            counted > bound);
    }

    // PostgreSQL compares timestamptz with UTC values only.
    private static DateTime? Utc(DateTime? time) => time switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
        { } other => DateTime.SpecifyKind(other, DateTimeKind.Utc),
    };

    /// <summary>
    /// Where each row's object lives now (by entry id), for the objects that still exist and have a page: one look-up per
    /// object type on the page, none per row.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, string>> LinksAsync(IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken = default)
    {
        var links = new Dictionary<long, string>();
        if (rows.Count == 0)
        {
            return links;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var credentialIds = IdsOf<Guid>(rows, "credential", Guid.TryParse);
        var credentials = credentialIds.Count == 0 ? [] : await db.Credentials.AsNoTracking()
            .Where(c => credentialIds.Contains(c.PublicId)).ToDictionaryAsync(c => c.PublicId, c => c.Id, cancellationToken);
        var alertIds = IdsOf<int>(rows, "alert", (string? text, out int id) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id));
        var alerts = alertIds.Count == 0 ? [] : await db.Alerts.AsNoTracking()
            .Where(a => alertIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Kind, cancellationToken);
        var levelIds = IdsOf<Guid>(rows, "hierarchy", Guid.TryParse);
        var levels = levelIds.Count == 0 ? [] : await db.HierarchyEntities.AsNoTracking()
            .Where(e => levelIds.Contains(e.Id)).Select(e => e.Id).ToHashSetAsync(cancellationToken);
        var tokenIds = IdsOf<int>(rows, "api-token", (string? text, out int id) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id));
        var tokens = tokenIds.Count == 0 ? [] : await db.Set<ApiToken>().AsNoTracking()
            .Where(t => tokenIds.Contains(t.Id)).Select(t => t.Id).ToHashSetAsync(cancellationToken);

        foreach (var row in rows)
        {
            var link = row.ObjectType switch
            {
                "credential" when Guid.TryParse(row.ObjectId, out var id) && credentials.TryGetValue(id, out var key) =>
                    $"integrations/webhook-credentials/{key.ToString(CultureInfo.InvariantCulture)}",
                "alert" when int.TryParse(row.ObjectId, CultureInfo.InvariantCulture, out var id) && alerts.TryGetValue(id, out var kind) =>
                    $"flexible-actions/{kind.Slug()}/{id.ToString(CultureInfo.InvariantCulture)}",
                "hierarchy" when Guid.TryParse(row.ObjectId, out var id) && levels.Contains(id) => "settings/hierarchy",
                "api-token" when int.TryParse(row.ObjectId, CultureInfo.InvariantCulture, out var id) && tokens.Contains(id) => "settings/api-tokens",
                _ => null,
            };
            if (link is not null)
            {
                links[row.Id] = link;
            }
        }
        return links;
    }

    private delegate bool TryParse<T>(string? text, out T value);

    private static List<T> IdsOf<T>(IReadOnlyList<AuditRow> rows, string objectType, TryParse<T> parse) =>
        rows.Where(r => r.ObjectType == objectType)
            .Select(r => parse(r.ObjectId, out var id) ? (true, id) : (false, default!))
            .Where(p => p.Item1).Select(p => p.Item2).Distinct().ToList();
}
