using CredentialPortal.Data;
using CredentialPortal.Features.ApiTokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CredentialPortal.Features.Audit;

/// <summary>How the audit trail treats a property: its changes recorded with values, as "Secret changed", or not at all.</summary>
public enum AuditVisibility
{
    Shown = 0,
    Secret = 1,
    Ignored = 2,
}

/// <summary>
/// The one rule that says which properties are secret to the audit trail: an annotation on the model, read by
/// <see cref="AuditChanges"/> whenever it turns a tracked change into <see cref="AuditChange"/>s. Secret values (encrypted
/// credential values, token hashes, password hashes and stamps) never reach an entry; bookkeeping (versions, timestamps,
/// a secret's hint) is not a change anyone made.
/// </summary>
public static class AuditModel
{
    public const string VisibilityAnnotation = "CredentialPortal:Audit";
    public const string NameAnnotation = "CredentialPortal:AuditName";

    public static PropertyBuilder<T> IsSecret<T>(this PropertyBuilder<T> property) =>
        property.HasAnnotation(VisibilityAnnotation, (int)AuditVisibility.Secret);

    public static PropertyBuilder<T> IsNotAudited<T>(this PropertyBuilder<T> property) =>
        property.HasAnnotation(VisibilityAnnotation, (int)AuditVisibility.Ignored);

    public static PropertyBuilder<T> HasAuditName<T>(this PropertyBuilder<T> property, string name) =>
        property.HasAnnotation(NameAnnotation, name);

    public static AuditVisibility VisibilityOf(IReadOnlyProperty property) =>
        property.FindAnnotation(VisibilityAnnotation)?.Value is int value ? (AuditVisibility)value : AuditVisibility.Shown;

    /// <summary>The field name an entry shows: the annotation's, else the property's words ("FieldName" is "Field name").</summary>
    public static string NameOf(IReadOnlyProperty property) =>
        property.FindAnnotation(NameAnnotation)?.Value as string ?? Words(property.Name);

    private static string Words(string name)
    {
        if (name.EndsWith("Utc", StringComparison.Ordinal) && name.Length > 3)
        {
            name = name[..^3];
        }
        var words = System.Text.RegularExpressions.Regex.Replace(name, "(?<=[a-z0-9])(?=[A-Z])", " ").ToLowerInvariant();
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    /// <summary>
    /// Marks the model (from <see cref="PortalDbContext.OnModelCreating"/>). By convention every value stored encrypted
    /// (<c>Protected…</c>) is secret, and so are hashes and security stamps; the rest is listed here.
    /// </summary>
    public static void Apply(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetDeclaredProperties())
            {
                if (property.Name.StartsWith("Protected", StringComparison.Ordinal)
                    || property.Name.EndsWith("Hash", StringComparison.Ordinal)
                    || property.Name.EndsWith("Stamp", StringComparison.Ordinal))
                {
                    property.SetAnnotation(VisibilityAnnotation, (int)AuditVisibility.Secret);
                    if (property.Name.StartsWith("Protected", StringComparison.Ordinal))
                    {
                        property.SetAnnotation(NameAnnotation, Words(property.Name["Protected".Length..]));
                    }
                }
                else if (property.Name.EndsWith("Hint", StringComparison.Ordinal) // the last characters of a secret
                    || property.IsConcurrencyToken
                    || property.Name is "LastModifiedUtc" or "CreatedUtc" or "IdempotencyKey" or "TypeName" or "Prefix" or "LastUsedUtc"
                        // what the delivery path or a deletion set, cleared by the next save
                        or "WebhookGoneAtUtc" or "RemovedCredentialName" or "RemovedCredentialAtUtc"
                    || property.IsShadowProperty())
                {
                    property.SetAnnotation(VisibilityAnnotation, (int)AuditVisibility.Ignored);
                }
            }
        }
    }
}
