using CredentialPortal.Data;

namespace CredentialPortal.Features.Credentials;

/// <summary>
/// Implemented by features whose records point at credentials (alert webhooks, hierarchy levels). Deleting a credential asks every
/// implementation, inside the deletion's own transaction, to list its references and then to detach them ("No Auth").
/// </summary>
public interface ICredentialReferences
{
    Task<IReadOnlyList<CredentialReference>> FindAsync(PortalDbContext db, int credentialId, CancellationToken cancellationToken);

    /// <summary>Detaches every reference to the credential. Runs in the deletion's transaction; must not save or commit.</summary>
    Task DetachAsync(PortalDbContext db, Credential credential, DateTime deletedAtUtc, CancellationToken cancellationToken);

    /// <summary>Runs after the deletion has been committed (what is cached from the detached rows can be dropped now).</summary>
    void Deleted(int credentialId)
    {
    }
}

/// <summary>How a reference uses the credential, so the delete dialog can group them.</summary>
public enum CredentialReferenceKind
{
    /// <summary>An alert that chose the credential: it goes to No Auth.</summary>
    Explicit,

    /// <summary>A hierarchy level's own credential: the level falls back to its parent's.</summary>
    Level,

    /// <summary>An alert that inherits the credential through a level: it follows that level's fallback.</summary>
    Inherited,
}

/// <summary>
/// Something that points at a credential (an alert, a hierarchy level); shown on the credential's page and before
/// deletion. <paramref name="Level"/> names the hierarchy level a <see cref="CredentialReferenceKind.Level"/> reference
/// is, or the one an <see cref="CredentialReferenceKind.Inherited"/> alert inherits the credential through, so that
/// the alerts can be listed under their level.
/// </summary>
public sealed record CredentialReference(string Description, string Href, CredentialReferenceKind Kind = CredentialReferenceKind.Explicit, string? Level = null);
