using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Delivery;

public sealed record DeliveryLogPage(IReadOnlyList<WebhookDelivery> Items, int TotalCount);

/// <summary>Reads an alert's delivery log, newest first, a page at a time.</summary>
public sealed class DeliveryLog(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<DeliveryLogPage> ListAsync(int alertId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.AlertId == alertId);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(d => d.Id)
            .Skip(Math.Max(0, page) * pageSize).Take(Math.Clamp(pageSize, 1, 100))
            .ToListAsync(cancellationToken);
        return new DeliveryLogPage(items, total);
    }
}
