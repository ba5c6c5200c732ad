using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;

namespace CredentialPortal.Features.Alerts;

public enum AlertKind
{
    PlatformEvent = 1,
    RuntimeAlert = 2,
}

public enum MetricComparison
{
    GreaterThan = 1,
    GreaterThanOrEqual = 2,
    LessThan = 3,
    LessThanOrEqual = 4,
}

/// <summary>An alert of Flexible Actions: what triggers it, and the webhook it sends.</summary>
public class Alert
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public AlertKind Kind { get; set; }

    /// <summary>Platform Event alerts: the catalogue key of the triggering event.</summary>
    public string? PlatformEvent { get; set; }

    /// <summary>Runtime Alerts: metric, comparison, threshold, window.</summary>
    public string? Metric { get; set; }
    public MetricComparison? Comparison { get; set; }
    public double? Threshold { get; set; }
    public int? WindowMinutes { get; set; }

    public bool WebhookEnabled { get; set; }
    public string? WebhookUrl { get; set; }
    public string WebhookMethod { get; set; } = "POST";
    public List<WebhookHeader> WebhookHeaders { get; set; } = [];

    /// <summary>
    /// Set when the receiver answered 410 Gone: the webhook sends nothing more until the alert is saved again, which
    /// clears it.
    /// </summary>
    public DateTime? WebhookGoneAtUtc { get; set; }

    /// <summary>Whether a fire would send: a webhook is configured and its receiver has not said it is gone.</summary>
    public bool WebhookActive => WebhookEnabled && WebhookGoneAtUtc is null;

    /// <summary>The workspace the alert belongs to; an inheriting webhook uses its effective credential.</summary>
    public Guid WorkspaceId { get; set; } = HierarchyDefaults.DefaultWorkspaceId;
    public HierarchyEntity? Workspace { get; set; }

    /// <summary>
    /// True: the webhook uses the workspace's effective credential (its own, else its organization's, partner's or the
    /// platform's), and <see cref="CredentialId"/> is null.
    /// </summary>
    public bool InheritsCredential { get; set; }

    /// <summary>The credential chosen explicitly. Null (and not inheriting) means No Auth.</summary>
    public int? CredentialId { get; set; }
    public Credential? Credential { get; set; }

    /// <summary>Set when the credential was deleted from under this alert, so the overview can say so.</summary>
    public string? RemovedCredentialName { get; set; }
    public DateTime? RemovedCredentialAtUtc { get; set; }

    /// <summary>The create form's key: a second create with the same key returns this alert instead of adding one.</summary>
    public Guid? IdempotencyKey { get; set; }

    public DateTime CreatedUtc { get; set; }
    public DateTime LastModifiedUtc { get; set; }
    public int Version { get; set; }
}

public class WebhookHeader
{
    public required string Name { get; set; }

    /// <summary>The value as sent; for a secret header, its Data Protection ciphertext (<see cref="WebhookHeaderSecrets"/>).</summary>
    public required string Value { get; set; }

    /// <summary>A secret header is encrypted at rest, never shown again after saving and masked in the delivery log.</summary>
    public bool Secret { get; set; }
}
