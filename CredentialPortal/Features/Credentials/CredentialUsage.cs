namespace CredentialPortal.Features.Credentials;

/// <summary>
/// Where a credential is used, grouped: the alerts that chose it, and the hierarchy levels that have it as their own,
/// each with the alerts that inherit it through that level. Built from <see cref="CredentialService.FindReferencesAsync"/>,
/// the one query the credential's page and the delete dialog share.
/// </summary>
public sealed record CredentialUsage(IReadOnlyList<CredentialReference> Alerts, IReadOnlyList<CredentialUsageLevel> Levels)
{
    public static CredentialUsage Empty { get; } = new([], []);

    /// <summary>The list's Used by count: alerts that chose it plus levels that have it as their own (inheriting alerts follow their level).</summary>
    public int Count => Alerts.Count + Levels.Count;

    public static CredentialUsage Of(IEnumerable<CredentialReference> references)
    {
        var all = references.ToList();
        var levels = all
            .Where(r => r.Kind == CredentialReferenceKind.Level)
            .Select(level => new CredentialUsageLevel(level,
                all.Where(r => r.Kind == CredentialReferenceKind.Inherited && r.Level == level.Level).ToList()))
            .ToList();
        return new CredentialUsage(all.Where(r => r.Kind == CredentialReferenceKind.Explicit).ToList(), levels);
    }
}

/// <summary>A hierarchy level that has the credential as its own, and the alerts inheriting it through that level.</summary>
public sealed record CredentialUsageLevel(CredentialReference Level, IReadOnlyList<CredentialReference> Inheriting);
