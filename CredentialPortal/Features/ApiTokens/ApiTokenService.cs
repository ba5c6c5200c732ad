using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CredentialPortal.Data;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Shared;
using CredentialPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using CredentialPortal.Features.Users;

namespace CredentialPortal.Features.ApiTokens;

/// <summary>A new token's fields; <paramref name="Role"/> null gives the creator's own role.</summary>
public sealed record ApiTokenInput(string Name, Guid ScopeEntityId, DateTime? ExpiresUtc, string? Role = null);

/// <summary>A new token: its value (shown once, never stored) or, when invalid, the messages per field.</summary>
public sealed record ApiTokenCreated(SaveResult Result, string? Token);

public enum ApiTokenState
{
    Active,
    Expired,
    Revoked,
}

public sealed record ApiTokenRow(
    int Id,
    string Name,
    string Prefix,
    Guid ScopeEntityId,
    HierarchyLevel ScopeLevel,
    string ScopeName,
    DateTime CreatedUtc,
    DateTime? ExpiresUtc,
    DateTime? LastUsedUtc,
    DateTime? RevokedUtc,
    string? CreatedBy,
    ApiTokenState State,
    string Role = PortalRoles.Administrator);

public enum ApiTokenCheckStatus
{
    Valid,
    Unknown,
    Expired,
    Revoked,
}

/// <summary>What a presented token turned out to be; for a valid one, whose it is and what it reaches.</summary>
public sealed record ApiTokenCheck(ApiTokenCheckStatus Status, int TokenId = 0, string Name = "", Guid ScopeEntityId = default,
    string Role = PortalRoles.Administrator)
{
    public static readonly ApiTokenCheck Unknown = new(ApiTokenCheckStatus.Unknown);
}

/// <summary>
/// Owns every rule about API tokens: their values (random, shown once), storage as SHA-256 only, expiry, revocation and
/// the check each API request makes.
/// </summary>
public sealed class ApiTokenService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IMemoryCache cache,
    CacheInvalidation invalidation,
    TimeProvider time,
    ILogger<ApiTokenService> logger,
    ActorAccessor actors,
    AuditTrail audit)
{
    public const int NameMaxLength = 100;

    /// <summary>How many leading characters the list shows: <c>cpt_</c> and six of the random part.</summary>
    public const int PrefixLength = 10;

    /// <summary>The shortest value Seed:ApiToken may have.</summary>
    public const int SeedMinLength = 16;

    public const string SeedName = "Seed:ApiToken";

    // Brief, as a bound should an eviction be missed: RevokeAsync evicts at once here and on the other instances.
    private static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(15);

    // Last used is a hint for people, not an audit trail: one write a minute per token at most.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<ApiTokenCreated> CreateAsync(ApiTokenInput input, string? createdBy, CancellationToken cancellationToken = default)
    {
        var creator = actors.Require(PortalRoles.Administrator);
        var now = time.GetUtcNow().UtcDateTime;
        var errors = ApiTokenRules.Validate(input, now, creator.Role);
        var name = (input.Name ?? "").Trim();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!errors.ContainsKey(nameof(ApiTokenInput.ScopeEntityId))
            && !await db.Set<HierarchyEntity>().AnyAsync(e => e.Id == input.ScopeEntityId, cancellationToken))
        {
            errors[nameof(ApiTokenInput.ScopeEntityId)] = ["Choose the platform or an existing partner, organization or workspace."];
        }
        if (errors.Count > 0)
        {
            return new ApiTokenCreated(SaveResult.Invalid(errors), null);
        }

        var value = ApiTokenDefaults.ValuePrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            Name = name,
            Hash = HashOf(value),
            Prefix = value[..PrefixLength],
            ScopeEntityId = input.ScopeEntityId,
            CreatedUtc = now,
            ExpiresUtc = input.ExpiresUtc,
            CreatedBy = createdBy,
            Role = input.Role ?? creator.Role ?? PortalRoles.Viewer,
        };
        db.Add(token);
        var changes = AuditChanges.Of(db.Entry(token));
        // The entry names the token by the id its insert gives it: both saves in one transaction.
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        audit.Add(db, "api-token.created", "api-token", token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), token.Name, changes);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ApiTokenCreated(new SaveResult(SaveStatus.Saved, token.Id), value);
    }

    /// <summary>Every token, newest first, with its scope's name and its state now.</summary>
    public Task<List<ApiTokenRow>> ListAsync(CancellationToken cancellationToken = default) => RowsAsync(null, cancellationToken);

    public async Task<ApiTokenRow?> GetAsync(int id, CancellationToken cancellationToken = default) =>
        (await RowsAsync(id, cancellationToken)).SingleOrDefault();

    private async Task<List<ApiTokenRow>> RowsAsync(int? id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        IQueryable<ApiToken> tokens = id is null ? db.Set<ApiToken>() : db.Set<ApiToken>().Where(t => t.Id == id);
        var rows = await (
                from t in tokens
                join e in db.Set<HierarchyEntity>() on t.ScopeEntityId equals e.Id
                orderby t.CreatedUtc descending, t.Id descending
                select new { Token = t, e.Level, e.Name })
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return rows.Select(r => new ApiTokenRow(
                r.Token.Id, r.Token.Name, r.Token.Prefix, r.Token.ScopeEntityId, r.Level, r.Name, r.Token.CreatedUtc,
                r.Token.ExpiresUtc, r.Token.LastUsedUtc, r.Token.RevokedUtc, r.Token.CreatedBy, StateOf(r.Token.RevokedUtc, r.Token.ExpiresUtc, now), r.Token.Role))
            .ToList();
    }

    /// <summary>Revokes a token for good; this instance refuses it from the next request on. False when there is no such token.</summary>
    public async Task<bool> RevokeAsync(int id, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Administrator);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.Set<ApiToken>().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (token is null)
        {
            return false;
        }
        if (token.RevokedUtc is null)
        {
            token.RevokedUtc = time.GetUtcNow().UtcDateTime;
            audit.Add(db, "api-token.revoked", "api-token", token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), token.Name,
                AuditChanges.Of(db.Entry(token)));
        }
        await db.SaveChangesAsync(cancellationToken);
        invalidation.RemoveMemoryEntry(CacheKey(token.Hash)); // here and on every other instance
        return true;
    }

    /// <summary>
    /// The check of a presented token on every API request: looked up by its hash (an indexed column), then expiry and
    /// revocation against the current time. Known tokens are cached briefly; unknown ones are not (no memory for guesses).
    /// </summary>
    public async ValueTask<ApiTokenCheck> CheckAsync(string value, CancellationToken cancellationToken = default)
    {
        var hash = HashOf(value);
        var key = CacheKey(hash);
        // Taken before the read: an entry read before a revocation (or an edit) dropped entries is not used after it.
        var generation = invalidation.MemoryEntryGeneration;
        if (!cache.TryGetStamped<CachedToken>(key, generation, out var token))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var row = await db.Set<ApiToken>().AsNoTracking().FirstOrDefaultAsync(t => t.Hash == hash, cancellationToken);
            // The index finds the row; the comparison that decides is the constant-time one.
            if (row is null || !CryptographicOperations.FixedTimeEquals(row.Hash, hash))
            {
                return ApiTokenCheck.Unknown;
            }
            token = new CachedToken(row.Id, row.Name, row.ScopeEntityId, row.ExpiresUtc, row.RevokedUtc, row.LastUsedUtc, row.Role);
            cache.SetStamped(key, generation, token, CacheDuration);
        }

        var now = time.GetUtcNow().UtcDateTime;
        switch (StateOf(token.RevokedUtc, token.ExpiresUtc, now))
        {
            case ApiTokenState.Revoked:
                return new ApiTokenCheck(ApiTokenCheckStatus.Revoked, token.Id, token.Name, token.ScopeEntityId);
            case ApiTokenState.Expired:
                return new ApiTokenCheck(ApiTokenCheckStatus.Expired, token.Id, token.Name, token.ScopeEntityId);
        }

        if (token.ClaimLastUsedWrite(now, LastUsedResolution))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Set<ApiToken>().Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedUtc, now), cancellationToken);
        }
        return new ApiTokenCheck(ApiTokenCheckStatus.Valid, token.Id, token.Name, token.ScopeEntityId, token.Role);
    }

    /// <summary>
    /// Seed:ApiToken: a Platform-scope token with exactly this value, made at start-up unless it exists. A revoked one
    /// stays revoked (someone meant it); the setting should then be removed.
    /// </summary>
    public async Task EnsureSeedAsync(string value, CancellationToken cancellationToken = default)
    {
        if (value.Length < SeedMinLength || value.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException(
                $"Seed:ApiToken must be at least {SeedMinLength} characters long and contain no white space.");
        }

        var hash = HashOf(value);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Set<ApiToken>().AsNoTracking().FirstOrDefaultAsync(t => t.Hash == hash, cancellationToken);
        if (existing is not null)
        {
            if (existing.RevokedUtc is not null)
            {
                logger.LogWarning("The token of Seed:ApiToken ({Prefix}…) was revoked and stays revoked; remove the setting.", existing.Prefix);
            }
            return;
        }

        // A changed setting replaces the earlier seed token: the value it held must stop working, not linger unseen. Not
        // this value's own token, which another instance starting at the same moment may have just made.
        var now = time.GetUtcNow().UtcDateTime;
        var replaced = await db.Set<ApiToken>()
            .Where(t => t.CreatedBy == SeedName && t.RevokedUtc == null && t.Hash != hash)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedUtc, now), cancellationToken);
        if (replaced > 0)
        {
            logger.LogInformation("Revoked the earlier token of Seed:ApiToken, whose value changed.");
        }

        db.Add(new ApiToken
        {
            Name = SeedName,
            Hash = hash,
            // A quarter of the value at most: a short seed value must not be half shown in the list.
            Prefix = value[..Math.Min(PrefixLength, value.Length / 4)],
            ScopeEntityId = HierarchyDefaults.PlatformId,
            CreatedUtc = now,
            CreatedBy = SeedName,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Created the Platform-scope API token of Seed:ApiToken.");
        }
        catch (DbUpdateException)
        {
            // Another instance starting at the same time may have made it; anything else is a real failure.
            await using var check = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await check.Set<ApiToken>().AnyAsync(t => t.Hash == hash, cancellationToken))
            {
                throw;
            }
        }
    }

    public static byte[] HashOf(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    private static string CacheKey(byte[] hash) => "api-token:" + Convert.ToHexString(hash);

    private static ApiTokenState StateOf(DateTime? revokedUtc, DateTime? expiresUtc, DateTime now) =>
        revokedUtc is not null ? ApiTokenState.Revoked
        : expiresUtc is { } expires && expires <= now ? ApiTokenState.Expired
        : ApiTokenState.Active;

    private sealed class CachedToken(int id, string name, Guid scopeEntityId, DateTime? expiresUtc, DateTime? revokedUtc, DateTime? lastUsedUtc,
        string role)
    {
        private long lastUsedTicks = lastUsedUtc?.Ticks ?? 0;

        public int Id => id;
        public string Name => name;
        public Guid ScopeEntityId => scopeEntityId;
        public string Role => role;
        public DateTime? ExpiresUtc => expiresUtc;
        public DateTime? RevokedUtc => revokedUtc;

        /// <summary>True for the one caller that should write Last used now (none while the stored value is recent).</summary>
        public bool ClaimLastUsedWrite(DateTime now, TimeSpan resolution)
        {
            var last = Interlocked.Read(ref lastUsedTicks);
            return now.Ticks - last >= resolution.Ticks
                && Interlocked.CompareExchange(ref lastUsedTicks, now.Ticks, last) == last;
        }
    }
}
