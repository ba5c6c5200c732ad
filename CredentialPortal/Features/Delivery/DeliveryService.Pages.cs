using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Delivery;

/// <summary>An alert as the Deliveries page's Alert filter offers it.</summary>
public sealed record DeliveryAlertChoice(int Id, string Name, AlertKind Kind)
{
    public override string ToString() => $"{Name} ({Kind.DisplayName()})";
}

public sealed partial class DeliveryService
{
    /// <summary>
    /// The clock the deliveries' times come from: pages that follow the log (its refresh, "since" choices) read it too,
    /// so they agree with the rows they show.
    /// </summary>
    public TimeProvider Clock => time;

    /// <summary>How many alerts the Alert filter offers for a search at most: it narrows as a person types.</summary>
    public const int AlertChoiceLimit = 20;

    /// <summary>Alerts whose name contains <paramref name="search"/> (all when empty), by name: the Alert filter's choices.</summary>
    public async Task<IReadOnlyList<DeliveryAlertChoice>> AlertChoicesAsync(string? search, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alerts = db.Alerts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            // In any case: SQLite's LIKE ignores ASCII case, PostgreSQL's does not (ILIKE does, on a deterministic
            // collation: PostgreSQL refuses pattern matching on the column's case-insensitive one).
            alerts = db.Database.IsNpgsql()
                ? alerts.Where(a => EF.Functions.ILike(EF.Functions.Collate(a.Name, PostgresPortalDbContext.SearchCollation), pattern, "\\"))
                : alerts.Where(a => EF.Functions.Like(a.Name, pattern, "\\"));
        }
        return await alerts.OrderBy(a => a.Name).ThenBy(a => a.Id).Take(AlertChoiceLimit)
            .Select(a => new DeliveryAlertChoice(a.Id, a.Name, a.Kind))
            .ToListAsync(cancellationToken);
    }

    /// <summary>One alert as a filter choice (a filter restored from the page's address), or null when it is gone.</summary>
    public async Task<DeliveryAlertChoice?> AlertChoiceAsync(int alertId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Alerts.AsNoTracking().Where(a => a.Id == alertId)
            .Select(a => new DeliveryAlertChoice(a.Id, a.Name, a.Kind))
            .FirstOrDefaultAsync(cancellationToken);
    }
}
