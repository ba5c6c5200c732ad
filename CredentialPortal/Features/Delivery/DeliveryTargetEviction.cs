using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Features.Delivery;

/// <summary>
/// Deleting a credential evicts its decrypted values from <see cref="DeliveryTargets"/>. It refers to nothing itself
/// (FindAsync lists nothing); it is an <see cref="ICredentialReferences"/> only to run inside every deletion.
/// <see cref="DeliveryTargets"/> is resolved when a deletion runs, not injected: it depends on CredentialService,
/// which depends on every ICredentialReferences.
/// </summary>
internal sealed class DeliveryTargetEviction(IServiceProvider services) : ICredentialReferences
{
    public Task<IReadOnlyList<CredentialReference>> FindAsync(PortalDbContext db, int credentialId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CredentialReference>>([]);

    public Task DetachAsync(PortalDbContext db, Credential credential, DateTime deletedAtUtc, CancellationToken cancellationToken)
    {
        services.GetRequiredService<DeliveryTargets>().EvictCredential(credential.Id);
        return Task.CompletedTask;
    }
}
