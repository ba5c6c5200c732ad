using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Home;

/// <summary>What the Home page shows: how much there is, what was sent lately, and what needs a look.</summary>
public sealed record HomeFigures(
    int Credentials,
    int PlatformEvents,
    int RuntimeAlerts,
    IReadOnlyList<HomeDelivery> RecentDeliveries,
    IReadOnlyList<HomeDelivery> RecentFailures,
    IReadOnlyList<AlertWithoutCredential> AlertsWithoutCredential);

/// <summary>A row of the delivery log, with the alert it belongs to.</summary>
public sealed record HomeDelivery(
    long Id, int AlertId, string AlertName, AlertKind Kind, DateTime SentAtUtc, Delivery.DeliveryStatus Status, int? StatusCode, bool IsTest)
{
    /// <summary>The alert's overview, where this delivery is listed in its log.</summary>
    public string Href => HomeService.OverviewHref(Kind, AlertId);
}

/// <summary>An alert whose webhook credential was deleted: it now sends without authentication.</summary>
public sealed record AlertWithoutCredential(int AlertId, string Name, AlertKind Kind, string RemovedCredentialName, DateTime RemovedAtUtc)
{
    public string Href => HomeService.OverviewHref(Kind, AlertId);
}

public sealed class HomeService(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>How many rows each of the Home page's lists shows at most.</summary>
    public const int ListSize = 5;

    public static string OverviewHref(AlertKind kind, int alertId) => $"flexible-actions/{kind.Slug()}/{alertId}";

    public async Task<HomeFigures> LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credentials = await db.Credentials.CountAsync(cancellationToken);
        var alertsByKind = await db.Alerts
            .GroupBy(a => a.Kind)
            .Select(g => new { Kind = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Kind, g => g.Count, cancellationToken);

        // Newest first by id: the log's rows are appended in the order they are sent.
        var recent = await Deliveries(db.Deliveries).Take(ListSize).ToListAsync(cancellationToken);
        var failures = await Deliveries(db.Deliveries.Where(d => d.Status == Delivery.DeliveryStatus.Failed)).Take(ListSize).ToListAsync(cancellationToken);

        // The mark the credential deletion leaves (AlertCredentialReferences); choosing a credential again clears it. An
        // alert whose webhook is off sends nothing, with or without authentication.
        var withoutCredential = await db.Alerts.AsNoTracking()
            .Where(a => a.WebhookEnabled && a.CredentialId == null && a.RemovedCredentialName != null && a.RemovedCredentialAtUtc != null)
            .OrderByDescending(a => a.RemovedCredentialAtUtc).ThenBy(a => a.Name)
            .Select(a => new AlertWithoutCredential(a.Id, a.Name, a.Kind, a.RemovedCredentialName!, a.RemovedCredentialAtUtc!.Value))
            .ToListAsync(cancellationToken);

        return new HomeFigures(
            credentials,
            alertsByKind.GetValueOrDefault(AlertKind.PlatformEvent),
            alertsByKind.GetValueOrDefault(AlertKind.RuntimeAlert),
            recent,
            failures,
            withoutCredential);
    }

    private static IQueryable<HomeDelivery> Deliveries(IQueryable<Delivery.WebhookDelivery> deliveries) =>
        deliveries.AsNoTracking()
            .OrderByDescending(d => d.Id)
            .Select(d => new HomeDelivery(d.Id, d.AlertId, d.Alert!.Name, d.Alert.Kind, d.CreatedAtUtc, d.Status, d.StatusCode, d.IsTest));
}
