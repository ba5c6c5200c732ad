using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Alerts;

/// <summary>Alert webhooks are what point at credentials: listed before a deletion, turned to No Auth by it.</summary>
internal sealed class AlertCredentialReferences : ICredentialReferences
{
    public async Task<IReadOnlyList<CredentialReference>> FindAsync(PortalDbContext db, int credentialId, CancellationToken cancellationToken)
    {
        var alerts = await db.Set<Alert>().AsNoTracking()
            .Where(a => a.CredentialId == credentialId)
            .OrderBy(a => a.Name)
            .Select(a => new { a.Id, a.Name, a.Kind })
            .ToListAsync(cancellationToken);
        return alerts.Select(a => new CredentialReference($"{a.Name} ({a.Kind.DisplayName()})", $"flexible-actions/{a.Kind.Slug()}/{a.Id}")).ToList();
    }

    public Task DetachAsync(PortalDbContext db, Credential credential, DateTime deletedAtUtc, CancellationToken cancellationToken) =>
        // Only the authentication changes; the version moves so that an edit opened before the deletion cannot
        // put the deleted credential back.
        db.Set<Alert>()
            .Where(a => a.CredentialId == credential.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.CredentialId, (int?)null)
                .SetProperty(a => a.RemovedCredentialName, credential.Name)
                .SetProperty(a => a.RemovedCredentialAtUtc, deletedAtUtc)
                .SetProperty(a => a.Version, a => a.Version + 1), cancellationToken);
}
