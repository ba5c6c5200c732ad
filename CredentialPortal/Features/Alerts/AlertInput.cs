using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Features.Alerts;

/// <summary>What the alert form binds, across its steps.</summary>
public sealed class AlertInput
{
    public string Name { get; set; } = "";
    public AlertKind Kind { get; set; }
    public string? PlatformEvent { get; set; }
    public string? Metric { get; set; }
    public MetricComparison? Comparison { get; set; } = MetricComparison.GreaterThan;
    public double? Threshold { get; set; }
    public int? WindowMinutes { get; set; } = 5;
    public bool WebhookEnabled { get; set; }
    public string? WebhookUrl { get; set; }
    public string WebhookMethod { get; set; } = "POST";
    public List<HeaderInput> Headers { get; set; } = [];
    public int? CredentialId { get; set; }
    public int Version { get; set; }
}

public sealed class HeaderInput
{
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>A credential as the webhook's Credential choice shows it: enough to tell same-named ones apart.</summary>
public sealed record CredentialChoice(int Id, string Name, CredentialType Type, DateTime LastModifiedUtc);

public sealed record AlertRow(int Id, string Name, string Trigger, string WebhookAuth, DateTime LastModifiedUtc);

public sealed record AlertPage(IReadOnlyList<AlertRow> Items, int TotalCount);

public enum AlertSort
{
    LastModified,
    Name,
}

public sealed record AlertListQuery(AlertKind Kind, AlertSort SortBy = AlertSort.LastModified, bool Descending = true, int Page = 0, int PageSize = 25);

/// <summary>How the overview shows the webhook's authentication.</summary>
public sealed record WebhookAuth(CredentialChoice? Credential, string? FieldName, CredentialLocation? Location, string? RemovedCredentialName, DateTime? RemovedAtUtc)
{
    public bool IsNoAuth => Credential is null;
}

public sealed record AlertOverview(Alert Alert, WebhookAuth Auth);
