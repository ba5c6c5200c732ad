using System.Text;
using CredentialPortal.Data;
using Microsoft.AspNetCore.DataProtection;
using CredentialPortal.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Credentials;

/// <summary>Owns every rule about webhook credentials: listing order, validation, the type lock, encryption and deletion.</summary>
public sealed class CredentialService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    IEnumerable<ICredentialReferences> references)
{
    public const int MaxPageSize = 100;
    private const int MinSearchFragmentForIndex = 3;
    private const int WalkSortIndexAboveMatches = 500;

    private readonly IDataProtector protector = dataProtection.CreateProtector("CredentialPortal.Credentials.v1");

    public async Task<CredentialPage> ListAsync(CredentialListQuery query, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var offset = Math.Max(0, query.Page) * pageSize;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credentials = db.Credentials.AsNoTracking();
        var (filtered, total) = await FilterAsync(db, query.Search, cancellationToken);
        if (offset >= total)
        {
            return new CredentialPage([], total);
        }

        // OFFSET walks the index from its start: past the middle, walk from the other end instead so that
        // the last page costs what the first does.
        var fromEnd = offset > total / 2;
        var take = pageSize;
        var skip = offset;
        if (fromEnd)
        {
            skip = total - offset - pageSize;
            if (skip < 0)
            {
                take += skip;
                skip = 0;
            }
        }

        var descending = query.Descending ^ fromEnd;
        var page = Order(filtered, query.SortBy, descending).Skip(skip).Take(take);
        if (skip > 0)
        {
            // Late row lookup: the OFFSET walk reads ids from the covering sort index; only the page's rows come from the table.
            var pageIds = page.Select(c => c.Id);
            page = Order(credentials.Where(c => pageIds.Contains(c.Id)), query.SortBy, descending);
        }
        var rows = await page
            .Select(c => new CredentialRow(c.Id, c.Name, c.Type, c.LastModifiedUtc))
            .ToListAsync(cancellationToken);
        if (fromEnd)
        {
            rows.Reverse();
        }
        return new CredentialPage(rows, total);
    }

    private static async Task<(IQueryable<Credential> Filtered, int Total)> FilterAsync(PortalDbContext db, string? search,
        CancellationToken cancellationToken)
    {
        var credentials = db.Credentials.AsNoTracking();
        var fragment = search?.Trim();
        if (string.IsNullOrEmpty(fragment))
        {
            return (credentials, await credentials.CountAsync(cancellationToken));
        }

        if (fragment.Length < MinSearchFragmentForIndex)
        {
            // A trigram index cannot answer one or two characters; this scans the name index (not the table) instead.
            var pattern = "%" + EscapeLike(fragment) + "%";
            var like = credentials.Where(c => EF.Functions.Like(c.Name, pattern, "\\"));
            return (like, await like.CountAsync(cancellationToken));
        }

        // FTS5 trigram index (see the AddCredentialNameSearch migration): a substring match without a table scan.
        // It holds exactly one row per credential, so it also gives the count without touching the table.
        var phrase = "\"" + fragment.Replace("\"", "\"\"") + "\"";
        var total = await db.Database
            .SqlQuery<int>($"SELECT COUNT(*) AS Value FROM CredentialNameSearch WHERE CredentialNameSearch MATCH {phrase}")
            .SingleAsync(cancellationToken);
        if (total > WalkSortIndexAboveMatches && Ascii.IsValid(fragment))
        {
            // Many matches: walking the sort's index and testing each name finds a page after a few hundred rows,
            // without a second pass over the trigram index. ASCII only, where LIKE and the index fold case alike.
            var pattern = "%" + EscapeLike(fragment) + "%";
            return (credentials.Where(c => EF.Functions.Like(c.Name, pattern, "\\")), total);
        }
        var ids = db.Database.SqlQuery<int>($"SELECT rowid AS Value FROM CredentialNameSearch WHERE CredentialNameSearch MATCH {phrase}");
        // With many non-ASCII matches, walk the sort's index testing ids against the matches ("Id + 0" keeps SQLite
        // from looking every match up and sorting them all); with few, look them up.
        var matching = total > WalkSortIndexAboveMatches
            ? credentials.Where(c => ids.Contains(c.Id + 0))
            : credentials.Where(c => ids.Contains(c.Id));
        return (matching, total);
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static IQueryable<Credential> Order(IQueryable<Credential> source, CredentialSort sort, bool descending) => (sort, descending) switch
    {
        (CredentialSort.Name, false) => source.OrderBy(c => c.Name).ThenBy(c => c.Id),
        (CredentialSort.Name, true) => source.OrderByDescending(c => c.Name).ThenByDescending(c => c.Id),
        (CredentialSort.Type, false) => source.OrderBy(c => c.Type).ThenByDescending(c => c.LastModifiedUtc).ThenByDescending(c => c.Id),
        (CredentialSort.Type, true) => source.OrderByDescending(c => c.Type).ThenBy(c => c.LastModifiedUtc).ThenBy(c => c.Id),
        (_, false) => source.OrderBy(c => c.LastModifiedUtc).ThenBy(c => c.Id),
        (_, true) => source.OrderByDescending(c => c.LastModifiedUtc).ThenByDescending(c => c.Id),
    };

    public async Task<CredentialForEdit?> GetForEditAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return null;
        }

        var secret = Unprotect(credential.ProtectedSecret);
        return new CredentialForEdit(
            credential.Id,
            credential.Name,
            credential.Type,
            credential.FieldName,
            credential.Location,
            credential.Format,
            Hint(Unprotect(credential.ProtectedClientId)),
            Hint(secret),
            secret is not null,
            credential.LastModifiedUtc,
            credential.Version);
    }

    private string? Unprotect(string? protectedValue) => string.IsNullOrEmpty(protectedValue) ? null : protector.Unprotect(protectedValue);

    private string? Protect(string? value) => string.IsNullOrEmpty(value) ? null : protector.Protect(value);

    /// <summary>The last 4 characters, only when that leaves most of the value unsaid.</summary>
    internal static string? Hint(string? value) => value is { Length: >= 8 } ? value[^4..] : null;

    /// <summary>Whether another credential already has this name (names need not be unique; the form cautions).</summary>
    public async Task<bool> IsNameTakenAsync(string name, int? exceptId = null, CancellationToken cancellationToken = default)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0)
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Credentials.AnyAsync(c => c.Name == trimmed && c.Id != exceptId, cancellationToken);
    }

    public async Task<SaveResult> CreateAsync(CredentialInput input, CancellationToken cancellationToken = default)
    {
        var errors = CredentialRules.Validate(input, isCreate: true);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var type = input.Type!.Value;
        var credential = new Credential
        {
            Name = input.Name.Trim(),
            Type = type,
            FieldName = FieldName(type, input),
            Location = type.HasLocation() ? input.Location : CredentialLocation.Header,
            Format = type == CredentialType.HmacSignature ? input.Format : null,
            ProtectedClientId = type.ClientIdLabel() is null ? "" : Protect(input.ClientId) ?? "",
            ProtectedSecret = type.SecretLabel() is null ? null : Protect(input.Secret),
            CreatedUtc = now,
            LastModifiedUtc = now,
            Version = 1,
        };

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Credentials.Add(credential);
        await db.SaveChangesAsync(cancellationToken);
        return new SaveResult(SaveStatus.Saved, credential.Id);
    }

    public async Task<SaveResult> UpdateAsync(int id, CredentialInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return new SaveResult(SaveStatus.NotFound, id);
        }

        if (input.Type is not null && input.Type != credential.Type)
        {
            return SaveResult.Invalid(new Dictionary<string, string[]>
            {
                [nameof(input.Type)] = ["The type of a saved credential cannot change: delete it and create a new one."],
            });
        }

        input.Type = credential.Type;
        var errors = CredentialRules.Validate(input, isCreate: false);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }

        if (input.Version != credential.Version)
        {
            return new SaveResult(SaveStatus.Conflict, id);
        }

        // The database re-checks the version on UPDATE, which catches a save that raced this one since the read above.
        db.Entry(credential).Property(c => c.Version).OriginalValue = input.Version;
        credential.Name = input.Name.Trim();
        credential.FieldName = FieldName(credential.Type, input);
        credential.Location = credential.Type.HasLocation() ? input.Location : CredentialLocation.Header;
        if (credential.Type == CredentialType.HmacSignature)
        {
            if (input.Format != credential.Format && input.Format == HmacFormat.StandardWebhooks && string.IsNullOrEmpty(input.Secret)
                && CredentialRules.StandardWebhooksKey(Unprotect(credential.ProtectedSecret) ?? "") is null)
            {
                return SaveResult.Invalid(new Dictionary<string, string[]>
                {
                    [nameof(input.Secret)] = ["Standard Webhooks needs a whsec_ secret: generate or enter one."],
                });
            }
            credential.Format = input.Format;
        }
        if (credential.Type.ClientIdLabel() is not null && !string.IsNullOrEmpty(input.ClientId))
        {
            credential.ProtectedClientId = Protect(input.ClientId)!;
        }
        if (credential.Type.SecretLabel() is not null && !string.IsNullOrEmpty(input.Secret))
        {
            credential.ProtectedSecret = Protect(input.Secret);
        }
        credential.LastModifiedUtc = time.GetUtcNow().UtcDateTime;
        credential.Version = input.Version + 1;

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new SaveResult(SaveStatus.Conflict, id);
        }
        return new SaveResult(SaveStatus.Saved, id);
    }

    /// <summary>The stored field or header name: fixed where the type names its own header.</summary>
    private static string FieldName(CredentialType type, CredentialInput input) =>
        type == CredentialType.BasicAuth || (type == CredentialType.HmacSignature && input.Format == HmacFormat.StandardWebhooks)
            ? type.DefaultFieldName()
            : input.FieldName.Trim();

    /// <summary>What points at the credential, for the delete confirmation.</summary>
    public async Task<IReadOnlyList<CredentialReference>> FindReferencesAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = new List<CredentialReference>();
        foreach (var source in references)
        {
            found.AddRange(await source.FindAsync(db, id, cancellationToken));
        }
        return found;
    }

    /// <summary>
    /// Deletes the credential even while in use: in one transaction every reference is detached (its webhook becomes
    /// "No Auth") and the credential is removed. Returns false when it no longer exists.
    /// </summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return false;
        }

        var deletedAt = time.GetUtcNow().UtcDateTime;
        foreach (var source in references)
        {
            await source.DetachAsync(db, credential, deletedAt, cancellationToken);
        }
        db.Credentials.Remove(credential);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The decrypted credential for an outgoing request, or null when it no longer exists (No Auth).</summary>
    public async Task<ResolvedCredential?> ResolveAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return credential is null
            ? null
            : new ResolvedCredential(
                credential.Type,
                credential.FieldName,
                credential.Location,
                Unprotect(credential.ProtectedClientId) ?? "",
                Unprotect(credential.ProtectedSecret),
                credential.Format ?? HmacFormat.TimestampSignatureKey);
    }
}
