using CredentialPortal.Data;
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
        var page = Math.Max(0, query.Page);
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
        var skip = page * pageSize;
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
}
