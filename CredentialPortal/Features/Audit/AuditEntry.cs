namespace CredentialPortal.Features.Audit;

/// <summary>
/// One change, recorded in the same transaction as the change itself and never edited or deleted afterwards: who
/// (<see cref="Actor"/>: a user's email, an API token's name, or "system"), when, what (<see cref="Action"/>, such as
/// <c>credential.rotated</c>), on which object, and which fields changed (<see cref="Changes"/>, JSON; a secret field
/// appears only as "Secret changed", never with a value).
/// </summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTime AtUtc { get; set; }
    public required string Actor { get; set; }
    public string? ActorUserId { get; set; }
    public int? ActorTokenId { get; set; }
    public required string Action { get; set; }

    /// <summary>credential, alert, hierarchy, api-token, user, delivery…</summary>
    public required string ObjectType { get; set; }
    public string? ObjectId { get; set; }
    public string? ObjectName { get; set; }

    /// <summary>JSON array of <see cref="AuditChange"/>, or null when the action changes no fields (a deletion, a login).</summary>
    public string? Changes { get; set; }
}

/// <summary>One changed field. A secret field carries neither value: <see cref="Secret"/> says it changed, and that is all.</summary>
public sealed record AuditChange(string Field, string? From = null, string? To = null, bool Secret = false)
{
    public const string SecretChanged = "Secret changed";

    public static AuditChange OfSecret(string field) => new(field, Secret: true);

    public override string ToString() => Secret ? $"{Field}: {SecretChanged}" : $"{Field}: {From ?? "—"} → {To ?? "—"}";
}
