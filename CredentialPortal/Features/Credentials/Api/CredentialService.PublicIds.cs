using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Credentials;

/// <summary>The API's names for credentials: their public ids (the int id stays internal).</summary>
public sealed partial class CredentialService
{
    /// <summary>The internal id of the credential with this public id, or null when there is none.</summary>
    public async Task<int?> FindIdAsync(Guid publicId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Credentials.AsNoTracking().Where(c => c.PublicId == publicId).Select(c => (int?)c.Id).FirstOrDefaultAsync(cancellationToken);
    }
}
