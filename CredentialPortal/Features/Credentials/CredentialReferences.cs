using CredentialPortal.Data;

namespace CredentialPortal.Features.Credentials;

/// <summary>
/// Implemented by features whose records point at credentials (alert webhooks). Deleting a credential asks every
/// implementation, inside the deletion's own transaction, to list its references and then to detach them ("No Auth").
/// </summary>
public interface ICredentialReferences
{
    Task<IReadOnlyList<CredentialReference>> FindAsync(PortalDbContext db, int credentialId, CancellationToken cancellationToken);

    /// <summary>Detaches every reference to the credential. Runs in the deletion's transaction; must not save or commit.</summary>
    Task DetachAsync(PortalDbContext db, Credential credential, DateTime deletedAtUtc, CancellationToken cancellationToken);
}
