using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Hierarchy;

/// <summary>
/// Hierarchy levels point at credentials too (their own credential). Before a deletion they are listed with the alerts
/// that inherit the credential through them; the deletion clears them, so each falls back to its parent's.
/// </summary>
internal sealed class HierarchyCredentialReferences(HierarchyService hierarchy) : ICredentialReferences
{
    public const string Href = "settings/hierarchy";

    public async Task<IReadOnlyList<CredentialReference>> FindAsync(PortalDbContext db, int credentialId, CancellationToken cancellationToken)
    {
        var levels = await db.HierarchyEntities.AsNoTracking()
            .Where(e => e.CredentialId == credentialId)
            .OrderBy(e => e.Level).ThenBy(e => e.Name)
            .Select(e => new { e.Id, e.Level, e.Name })
            .ToListAsync(cancellationToken);
        if (levels.Count == 0)
        {
            return [];
        }
        var found = levels
            .Select(l => new CredentialReference($"{l.Level.DisplayName()} {l.Name} (own credential)", Href, CredentialReferenceKind.Level, l.Id.ToString()))
            .ToList();

        // The alerts whose workspace resolves to this credential: the nearest level with a credential has this one.
        // That nearest level is the one the alert inherits it through.
        var inheriting = await db.Set<Alert>().AsNoTracking()
            .Where(a => a.InheritsCredential && a.WebhookEnabled
                && (a.Workspace!.CredentialId
                    ?? a.Workspace.Parent!.CredentialId
                    ?? a.Workspace.Parent.Parent!.CredentialId
                    ?? a.Workspace.Parent.Parent.Parent!.CredentialId) == credentialId)
            .OrderBy(a => a.Name)
            .Select(a => new
            {
                a.Id,
                a.Name,
                a.Kind,
                Through = a.Workspace!.CredentialId != null ? a.WorkspaceId
                    : a.Workspace.Parent!.CredentialId != null ? a.Workspace.Parent.Id
                    : a.Workspace.Parent.Parent!.CredentialId != null ? a.Workspace.Parent.Parent.Id
                    : a.Workspace.Parent.Parent.Parent!.Id,
            })
            .ToListAsync(cancellationToken);
        found.AddRange(inheriting.Select(a => new CredentialReference(
            $"{a.Name} ({a.Kind.DisplayName()}, inherited)", $"flexible-actions/{a.Kind.Slug()}/{a.Id}", CredentialReferenceKind.Inherited,
            a.Through.ToString())));
        return found;
    }

    public Task DetachAsync(PortalDbContext db, Credential credential, DateTime deletedAtUtc, CancellationToken cancellationToken) =>
        // The foreign key would clear them as well; doing it here moves their version, so a form opened before the
        // deletion cannot put the deleted credential back.
        db.HierarchyEntities
            .Where(e => e.CredentialId == credential.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.CredentialId, (int?)null)
                .SetProperty(e => e.LastModifiedUtc, deletedAtUtc)
                .SetProperty(e => e.Version, e => e.Version + 1), cancellationToken);

    // After the commit, not in DetachAsync: a snapshot loaded between an eviction and the commit would hold the old rows.
    public void Deleted(int credentialId) => hierarchy.InvalidateShape();
}
