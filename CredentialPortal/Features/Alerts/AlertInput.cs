using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;

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
    public Guid WorkspaceId { get; set; } = HierarchyDefaults.DefaultWorkspaceId;

    /// <summary>True: the webhook uses the workspace's effective credential; <see cref="CredentialId"/> is then ignored.</summary>
    public bool InheritsCredential { get; set; }

    public int? CredentialId { get; set; }
    public int Version { get; set; }

    /// <summary>
    /// Made when the create form opens: a save repeated with the same key (a double click, Enter twice) returns the alert
    /// the first one created instead of adding another.
    /// </summary>
    public Guid? IdempotencyKey { get; set; }

    /// <summary>Everything the form holds, to tell whether leaving it would lose a change.</summary>
    public string Snapshot() => System.Text.Json.JsonSerializer.Serialize(this);
}

public sealed class HeaderInput
{
    public string Name { get; set; } = "";

    /// <summary>For a saved secret header this starts empty (the value never comes back): empty keeps it, typed replaces it.</summary>
    public string Value { get; set; } = "";

    public bool Secret { get; set; }

    /// <summary>
    /// The name of the saved secret header this row was loaded from, whose value an empty <see cref="Value"/> keeps (also
    /// when the row is renamed). Null for a new row or a non-secret one.
    /// </summary>
    public string? KeptFrom { get; set; }
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

/// <summary>
/// How the overview shows the webhook's authentication. For an alert that inherits, <see cref="Credential"/> and the field
/// are the workspace's effective credential's (null: none up the chain, No Auth) and <see cref="Inherited"/> says where it
/// comes from.
/// </summary>
public sealed record WebhookAuth(CredentialChoice? Credential, string? FieldName, CredentialLocation? Location, string? RemovedCredentialName, DateTime? RemovedAtUtc)
{
    public bool IsNoAuth => Credential is null;

    /// <summary>The alert's Credential choice is Inherit.</summary>
    public bool InheritsCredential { get; init; }

    /// <summary>The effective credential an inheriting alert uses, with the level it comes from; null otherwise.</summary>
    public EffectiveCredential? Inherited { get; init; }

    /// <summary>
    /// The line the overview shows: "Bearer Token 'Acme key', inherited from partner Acme", "Bearer Token 'Ops key'",
    /// "No Auth", or for an inheriting alert with nothing up the chain "No Auth (inherited: no level has a credential)".
    /// </summary>
    public string Summary { get; init; } = "No Auth";
}

public sealed record AlertOverview(Alert Alert, WebhookAuth Auth)
{
    /// <summary>The alert's workspace with its organization and partner; null only if it vanished mid-read.</summary>
    public WorkspaceChoice? Workspace { get; init; }
}
