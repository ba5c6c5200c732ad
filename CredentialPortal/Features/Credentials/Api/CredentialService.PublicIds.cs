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

    /// <summary>The public ids of these credentials (one query for a list page); ids that no longer exist are left out.</summary>
    public async Task<Dictionary<int, Guid>> PublicIdsAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var keys = ids.ToArray();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // EF.Parameter: one JSON array parameter (json_each) instead of a parameter per id.
        return await db.Credentials.AsNoTracking()
            .Where(c => EF.Parameter(keys).Contains(c.Id))
            .Select(c => new { c.Id, c.PublicId })
            .ToDictionaryAsync(c => c.Id, c => c.PublicId, cancellationToken);
    }
}
