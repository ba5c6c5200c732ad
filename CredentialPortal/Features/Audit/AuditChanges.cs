using System.Globalization;
using CredentialPortal.Features.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace CredentialPortal.Features.Audit;

/// <summary>
/// Turns what a context is about to save into <see cref="AuditChange"/>s, one place for every service: an added row's
/// values, a modified row's original and current values, each named and treated as the model says
/// (<see cref="AuditModel"/>: a secret property is only ever "Secret changed").
/// </summary>
public static class AuditChanges
{
    /// <summary>The entry's changes: for an added row every value it starts with, for a modified one what differs.</summary>
    public static List<AuditChange> Of(EntityEntry entry)
    {
        entry.DetectChanges();
        var changes = new List<AuditChange>();
        foreach (var property in entry.Properties)
        {
            var metadata = property.Metadata;
            if (metadata.IsPrimaryKey() || AuditModel.VisibilityOf(metadata) == AuditVisibility.Ignored)
            {
                continue;
            }
            var added = entry.State == EntityState.Added;
            var from = added ? null : property.OriginalValue;
            var to = property.CurrentValue;
            if (!added && !property.IsModified || Equals(from, to) || from is byte[] a && to is byte[] b && a.AsSpan().SequenceEqual(b))
            {
                continue;
            }
            if (added && IsEmpty(to))
            {
                continue;
            }
            var name = AuditModel.NameOf(metadata);
            changes.Add(AuditModel.VisibilityOf(metadata) == AuditVisibility.Secret
                ? AuditChange.OfSecret(name)
                : new AuditChange(name, Text(from), Text(to)));
        }
        return changes;
    }

    /// <summary>
    /// An alert's extra headers, by name: a header added, removed or changed. A secret header's value is its own secret
    /// (<see cref="WebhookHeader.Secret"/>): only that it changed is recorded.
    /// </summary>
    public static List<AuditChange> OfHeaders(IReadOnlyList<WebhookHeader> before, IReadOnlyList<WebhookHeader> after)
    {
        var changes = new List<AuditChange>();
        foreach (var header in after)
        {
            var field = $"Header {header.Name}";
            var old = before.FirstOrDefault(h => h.Name.Equals(header.Name, StringComparison.OrdinalIgnoreCase));
            if (header.Secret || old?.Secret == true)
            {
                if (old is null || old.Secret != header.Secret || old.Value != header.Value)
                {
                    changes.Add(AuditChange.OfSecret(field));
                }
            }
            else if (old is null || old.Value != header.Value)
            {
                changes.Add(new AuditChange(field, old?.Value, header.Value));
            }
        }
        foreach (var removed in before.Where(h => !after.Any(a => a.Name.Equals(h.Name, StringComparison.OrdinalIgnoreCase))))
        {
            changes.Add(removed.Secret ? new AuditChange($"Header {removed.Name}", "(secret)", null) : new AuditChange($"Header {removed.Name}", removed.Value, null));
        }
        return changes;
    }

    private static bool IsEmpty(object? value) => value is null or "" || value is false;

    private static string? Text(object? value) => value switch
    {
        null => null,
        DateTime at => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
