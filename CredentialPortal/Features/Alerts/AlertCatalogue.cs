namespace CredentialPortal.Features.Alerts;

public sealed record CatalogueEntry(string Key, string Label);

/// <summary>The fixed choices of the alert forms.</summary>
public static class AlertCatalogue
{
    public static readonly IReadOnlyList<CatalogueEntry> PlatformEvents =
    [
        new("deployment.failed", "Deployment failed"),
        new("quota.exceeded", "Quota exceeded"),
        new("certificate.expiring", "Certificate expiring"),
        new("build.failed", "Build failed"),
        new("instance.unreachable", "Instance unreachable"),
        new("backup.failed", "Backup failed"),
    ];

    public static readonly IReadOnlyList<CatalogueEntry> Metrics =
    [
        new("cpu.percent", "CPU usage (%)"),
        new("memory.percent", "Memory usage (%)"),
        new("http.error_rate", "HTTP error rate (%)"),
        new("http.latency_p95_ms", "Latency p95 (ms)"),
        new("http.requests_per_minute", "Requests per minute"),
    ];

    public static readonly IReadOnlyList<string> Methods = ["POST", "GET", "PUT", "DELETE"];

    public static readonly IReadOnlyList<int> Windows = [1, 5, 10, 15, 30, 60];

    public static string PlatformEventLabel(string? key) => PlatformEvents.FirstOrDefault(e => e.Key == key)?.Label ?? key ?? "";

    public static string MetricLabel(string? key) => Metrics.FirstOrDefault(e => e.Key == key)?.Label ?? key ?? "";

    public static string Symbol(this MetricComparison comparison) => comparison switch
    {
        MetricComparison.GreaterThan => ">",
        MetricComparison.GreaterThanOrEqual => "≥",
        MetricComparison.LessThan => "<",
        MetricComparison.LessThanOrEqual => "≤",
        _ => comparison.ToString(),
    };

    public static string DisplayName(this AlertKind kind) => kind switch
    {
        AlertKind.PlatformEvent => "Platform Event",
        AlertKind.RuntimeAlert => "Runtime Alert",
        _ => kind.ToString(),
    };

    /// <summary>The route segment of the kind's pages under /flexible-actions.</summary>
    public static string Slug(this AlertKind kind) => kind == AlertKind.PlatformEvent ? "platform-events" : "runtime-alerts";

    /// <summary>The value of "kind" in webhook bodies.</summary>
    public static string WireName(this AlertKind kind) => kind == AlertKind.PlatformEvent ? "platform_event" : "runtime_alert";

    public static string TriggerSummary(this Alert alert) => alert.Kind == AlertKind.PlatformEvent
        ? PlatformEventLabel(alert.PlatformEvent)
        : $"{MetricLabel(alert.Metric)} {alert.Comparison?.Symbol()} {alert.Threshold} for {alert.WindowMinutes} min";
}
