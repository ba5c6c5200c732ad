using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;
using CredentialPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using CredentialPortal.Features.Users;

namespace CredentialPortal.Features.Hierarchy;

/// <summary>
/// Owns the configuration hierarchy: its shape (each entity's parent is one level up), names, deletion rules, each
/// level's own credential and the effective one that inheritance gives. Scope checks and the effective credential
/// read the hierarchy's shape from one in-memory snapshot, dropped by every change made here and by a credential's
/// deletion (<see cref="InvalidateShape"/>), and read again after <see cref="ShapeLifetime"/>; the delivery path reads the rows as stored
/// (<see cref="GetEffectiveAsStoredAsync"/>).
/// </summary>
public sealed class HierarchyService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IMemoryCache cache, CacheInvalidation invalidation,
    ActorAccessor actors,
    AuditTrail audit)
{
    public const int NameMaxLength = 100;

    private const string ShapeKey = "hierarchy:shape";

    // Bumped by every invalidation: a snapshot loaded before it is not used after it, even when its load finished
    // (and was cached) after the invalidation ran.
    private long shapeGeneration;

    /// <summary>
    /// How long a snapshot is used at most: every change here drops it at once (and on the other instances), but a
    /// message that never arrived (an instance killed between its commit and its message) must not leave scope checks
    /// stale for ever. As long as the other cached reads (a minute).
    /// </summary>
    public static readonly TimeSpan ShapeLifetime = TimeSpan.FromMinutes(1);

    private sealed record Shape(long Generation, DateTimeOffset ReadUtc, IReadOnlyDictionary<Guid, HierarchyShape> Entities);

    /// <summary>Every entity's id, level, name, parent and own credential, from the snapshot (one query when it is cold).</summary>
    private async ValueTask<IReadOnlyDictionary<Guid, HierarchyShape>> ShapeAsync(CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref shapeGeneration);
        var now = time.GetUtcNow();
        if (cache.TryGetValue(ShapeKey, out Shape? shape) && shape!.Generation == generation && now - shape.ReadUtc < ShapeLifetime)
        {
            return shape.Entities;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entities = await db.HierarchyEntities.AsNoTracking()
            .Select(e => new HierarchyShape(e.Id, e.Level, e.Name, e.ParentId, e.CredentialId))
            .ToDictionaryAsync(e => e.Id, cancellationToken);
        cache.Set(ShapeKey, new Shape(generation, now, entities));
        return entities;
    }

    /// <summary>Drops the snapshot here and on the other instances; called after every committed change of the hierarchy's rows.</summary>
    public void InvalidateShape()
    {
        EvictShape();
        invalidation.HierarchyChanged();
    }

    /// <summary>Drops this instance's snapshot only: what another instance's change asks for.</summary>
    public void EvictShape()
    {
        Interlocked.Increment(ref shapeGeneration);
        cache.Remove(ShapeKey);
    }

    /// <summary>The entity's id, level, name, parent and own credential (the snapshot: no query when warm); null when it does not exist.</summary>
    public async ValueTask<HierarchyShape?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await ShapeAsync(cancellationToken)).GetValueOrDefault(id);

    public async Task<HierarchyNode> GetTreeAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var items = await Items(db.HierarchyEntities).ToListAsync(cancellationToken);
        var byParent = items.Where(i => i.ParentId is not null).ToLookup(i => i.ParentId!.Value);
        HierarchyNode Build(HierarchyItem item) => new(item,
            byParent[item.Id].OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Id).Select(Build).ToList());
        return Build(items.Single(i => i.Level == HierarchyLevel.Platform));
    }

    public async Task<HierarchyItem?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Items(db.HierarchyEntities.Where(e => e.Id == id)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Every entity of a level, by name; below <paramref name="parentId"/> only, when given.</summary>
    public async Task<IReadOnlyList<HierarchyItem>> ListAsync(HierarchyLevel level, Guid? parentId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var items = await Items(db.HierarchyEntities.Where(e => e.Level == level && (parentId == null || e.ParentId == parentId)))
            .ToListAsync(cancellationToken);
        return items.OrderBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.Id).ToList();
    }

    private static IQueryable<HierarchyItem> Items(IQueryable<HierarchyEntity> entities) =>
        entities.AsNoTracking().Select(e => new HierarchyItem(
            e.Id, e.Level, e.Name, e.ParentId, e.CredentialId,
            e.Credential == null ? null : e.Credential.Name,
            e.Credential == null ? null : e.Credential.Type,
            e.CreatedUtc, e.LastModifiedUtc, e.Version));

    /// <summary>The workspaces the alert form offers, by partner, organization and name.</summary>
    public async Task<IReadOnlyList<WorkspaceChoice>> ListWorkspacesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var workspaces = await db.HierarchyEntities.AsNoTracking()
            .Where(w => w.Level == HierarchyLevel.Workspace)
            .Select(w => new WorkspaceChoice(w.Id, w.Name, w.Parent!.Name, w.Parent.Parent!.Name))
            .ToListAsync(cancellationToken);
        return workspaces
            .OrderBy(w => w.PartnerName, StringComparer.OrdinalIgnoreCase)
            .ThenBy(w => w.OrganizationName, StringComparer.OrdinalIgnoreCase)
            .ThenBy(w => w.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>Creates a partner, organization or workspace under a parent of the level above it.</summary>
    public async Task<HierarchyResult> CreateAsync(HierarchyLevel level, string? name, Guid? parentId, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        var errors = new ValidationErrors();
        if (level is HierarchyLevel.Platform || !Enum.IsDefined(level))
        {
            errors.Add("Level", "Only partners, organizations and workspaces can be created.");
        }
        if (NameError(name) is { } nameError)
        {
            errors.Add("Name", nameError);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var expectedParent = level.ParentLevel();
        var parent = parentId is Guid pid ? await db.HierarchyEntities.AsNoTracking().FirstOrDefaultAsync(e => e.Id == pid, cancellationToken) : null;
        if (expectedParent is HierarchyLevel parentLevel && level is not HierarchyLevel.Platform)
        {
            if (parentLevel == HierarchyLevel.Platform && parentId is null)
            {
                parent = await db.HierarchyEntities.AsNoTracking().FirstAsync(e => e.Id == HierarchyDefaults.PlatformId, cancellationToken);
            }
            else if (parent is null)
            {
                errors.Add("ParentId", parentId is null
                    ? $"Choose the {parentLevel.DisplayName().ToLowerInvariant()} this {level.DisplayName().ToLowerInvariant()} belongs to."
                    : $"This {parentLevel.DisplayName().ToLowerInvariant()} does not exist.");
            }
            else if (parent.Level != parentLevel)
            {
                errors.Add("ParentId", $"A {level.DisplayName().ToLowerInvariant()} belongs to a {parentLevel.DisplayName().ToLowerInvariant()}, not to a {parent.Level.DisplayName().ToLowerInvariant()}.");
            }
        }
        if (!errors.IsEmpty)
        {
            return new HierarchyResult(SaveStatus.Invalid, Errors: errors.ToDictionary());
        }

        var trimmed = name!.Trim();
        if (await IsSiblingNameTakenAsync(db, parent!.Id, trimmed, null, cancellationToken))
        {
            return HierarchyResult.Invalid("Name", SiblingNameMessage(parent, trimmed));
        }
        var now = time.GetUtcNow().UtcDateTime;
        var entity = new HierarchyEntity
        {
            Id = Guid.CreateVersion7(),
            Level = level,
            Name = trimmed,
            ParentId = parent.Id,
            CreatedUtc = now,
            LastModifiedUtc = now,
            Version = 1,
        };
        db.HierarchyEntities.Add(entity);
        audit.Add(db, "hierarchy.created", "hierarchy", entity.Id.ToString(), entity.Name,
            [new AuditChange("Level", null, level.DisplayName()), new AuditChange("Name", null, entity.Name), new AuditChange("Parent", null, parent.Name)]);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (await IsSiblingNameTakenAsync(db, parent.Id, trimmed, entity.Id, CancellationToken.None))
            {
                return HierarchyResult.Invalid("Name", SiblingNameMessage(parent, trimmed)); // a racing create took the name
            }
            throw;
        }
        InvalidateShape();
        return new HierarchyResult(SaveStatus.Saved, entity.Id);
    }

    /// <summary>Renames an entity (the platform too); <paramref name="expectedVersion"/>, when given, guards against a lost update.</summary>
    public async Task<HierarchyResult> RenameAsync(Guid id, string? name, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        if (NameError(name) is { } nameError)
        {
            return HierarchyResult.Invalid("Name", nameError);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entity = await db.HierarchyEntities.FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entity is null)
        {
            return new HierarchyResult(SaveStatus.NotFound, id);
        }
        var trimmed = name!.Trim();
        if (entity.ParentId is Guid parentId && await IsSiblingNameTakenAsync(db, parentId, trimmed, id, cancellationToken))
        {
            var parent = await db.HierarchyEntities.AsNoTracking().FirstAsync(e => e.Id == parentId, cancellationToken);
            return HierarchyResult.Invalid("Name", SiblingNameMessage(parent, trimmed));
        }
        entity.Name = trimmed;
        audit.Add(db, "hierarchy.renamed", "hierarchy", entity.Id.ToString(), entity.Name, AuditChanges.Of(db.Entry(entity)));
        return await SaveChangeAsync(db, entity, expectedVersion, cancellationToken);
    }

    /// <summary>Sets the entity's own credential, or clears it (null: it inherits its parent's again).</summary>
    public async Task<HierarchyResult> SetCredentialAsync(Guid id, int? credentialId, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entity = await db.HierarchyEntities.FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entity is null)
        {
            return new HierarchyResult(SaveStatus.NotFound, id);
        }
        if (credentialId is int cid && !await db.Credentials.AnyAsync(c => c.Id == cid, cancellationToken))
        {
            return HierarchyResult.Invalid("CredentialId", "This credential no longer exists; choose another.");
        }
        if (entity.CredentialId != credentialId)
        {
            // Named, not numbered: the entry is read long after either credential may be gone.
            var names = await db.Credentials.AsNoTracking().Where(c => c.Id == entity.CredentialId || c.Id == credentialId)
                .ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
            audit.Add(db, "hierarchy.credential-changed", "hierarchy", entity.Id.ToString(), entity.Name,
            [
                new AuditChange("Credential", CredentialNameOf(entity.CredentialId, names), CredentialNameOf(credentialId, names)),
            ]);
        }
        entity.CredentialId = credentialId;
        return await SaveChangeAsync(db, entity, expectedVersion, cancellationToken);
    }

    private static string CredentialNameOf(int? id, Dictionary<int, string> names) =>
        id is int known ? names.GetValueOrDefault(known, $"#{known}") : "Inherit";

    private async Task<HierarchyResult> SaveChangeAsync(PortalDbContext db, HierarchyEntity entity, int? expectedVersion, CancellationToken cancellationToken)
    {
        if (expectedVersion is int expected)
        {
            if (expected != entity.Version)
            {
                return new HierarchyResult(SaveStatus.Conflict, entity.Id);
            }
            db.Entry(entity).Property(e => e.Version).OriginalValue = expected;
        }
        entity.Version++;
        entity.LastModifiedUtc = time.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new HierarchyResult(SaveStatus.Conflict, entity.Id);
        }
        catch (DbUpdateException)
        {
            if (entity.ParentId is Guid parentId && await IsSiblingNameTakenAsync(db, parentId, entity.Name, entity.Id, CancellationToken.None))
            {
                return HierarchyResult.Invalid("Name", $"Another entity here is already named '{entity.Name}'."); // a racing rename
            }
            throw;
        }
        InvalidateShape();
        return new HierarchyResult(SaveStatus.Saved, entity.Id);
    }

    /// <summary>
    /// Deletes an entity with nothing below it. Refused for the platform, and while children, alerts or live API tokens
    /// scoped to it remain (the message says which). Its own credential stays in the credential library.
    /// </summary>
    public async Task<HierarchyDeletion> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Editor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var entity = await db.HierarchyEntities.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entity is null)
        {
            return new HierarchyDeletion(HierarchyDeleteStatus.NotFound);
        }
        if (entity.Level == HierarchyLevel.Platform)
        {
            return new HierarchyDeletion(HierarchyDeleteStatus.Refused, "The platform cannot be deleted.");
        }
        var what = $"{entity.Level.DisplayName()} '{entity.Name}'";
        var children = await db.HierarchyEntities.CountAsync(e => e.ParentId == id, cancellationToken);
        if (children > 0)
        {
            var childLevel = entity.Level.ChildLevel()!.Value.DisplayName().ToLowerInvariant();
            return new HierarchyDeletion(HierarchyDeleteStatus.Refused,
                $"{what} still has {children} {(children == 1 ? childLevel : Plural(childLevel))}: delete them first.");
        }
        var alerts = await db.Set<Alert>().CountAsync(a => a.WorkspaceId == id, cancellationToken);
        if (alerts > 0)
        {
            return new HierarchyDeletion(HierarchyDeleteStatus.Refused,
                $"{what} still has {alerts} {(alerts == 1 ? "alert" : "alerts")}: delete them or move them to another workspace first.");
        }
        // Tokens go with their scope (ON DELETE CASCADE): only revoked or expired ones, not an Administrator's live token
        // taken away unaudited by an Editor deleting its level.
        var now = time.GetUtcNow().UtcDateTime;
        var tokens = await db.Set<ApiTokens.ApiToken>()
            .CountAsync(t => t.ScopeEntityId == id && t.RevokedUtc == null && (t.ExpiresUtc == null || t.ExpiresUtc > now), cancellationToken);
        if (tokens > 0)
        {
            return new HierarchyDeletion(HierarchyDeleteStatus.Refused,
                $"{what} still has {tokens} API {(tokens == 1 ? "token" : "tokens")} scoped to it: an Administrator revokes them first (Settings › API Tokens).");
        }
        await db.HierarchyEntities.Where(e => e.Id == id).ExecuteDeleteAsync(cancellationToken);
        audit.Add(db, "hierarchy.deleted", "hierarchy", id.ToString(), entity.Name, [new AuditChange("Level", entity.Level.DisplayName(), null)]);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        InvalidateShape();
        return new HierarchyDeletion(HierarchyDeleteStatus.Deleted);
    }

    private static string Plural(string level) => level == "partner" ? "partners" : level + "s";

    /// <summary>True when <paramref name="scope"/> is the entity or one of its ancestors (a Platform scope covers everything).</summary>
    public async Task<bool> CoversAsync(Guid scope, Guid entityId, CancellationToken cancellationToken = default) =>
        // The platform is on every path: no lookup on the common case.
        scope == HierarchyDefaults.PlatformId || scope == entityId || (await GetPathAsync(entityId, cancellationToken)).Contains(scope);

    /// <summary>The ids from the platform down to the entity (inclusive); empty when it does not exist.</summary>
    public async Task<IReadOnlyList<Guid>> GetPathAsync(Guid entityId, CancellationToken cancellationToken = default)
    {
        var chain = Chain(await ShapeAsync(cancellationToken), entityId);
        return chain.Select(e => e.Id).Reverse().ToList();
    }

    /// <summary>
    /// The entity whose own credential the entity's webhooks use: the entity itself, else its parent, and so on up to
    /// the platform; null when no level on the way has one (or the entity does not exist). From the snapshot.
    /// </summary>
    public async ValueTask<HierarchyShape?> GetCredentialSourceAsync(Guid entityId, CancellationToken cancellationToken = default) =>
        Chain(await ShapeAsync(cancellationToken), entityId).FirstOrDefault(e => e.CredentialId is not null);

    /// <summary>
    /// The credential the entity's webhooks use: its own, else its parent's, and so on up to the platform's; null when
    /// no level on the way has one (or the entity does not exist).
    /// </summary>
    public async Task<EffectiveCredential?> GetEffectiveAsync(Guid entityId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var source = await GetCredentialSourceAsync(entityId, cancellationToken);
            if (source is null)
            {
                return null;
            }
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var effective = await EffectiveAsync(db, source, cancellationToken);
            if (effective is not null || attempt > 0)
            {
                return effective;
            }
            // The credential was deleted since the snapshot was taken: its level falls back now (ON DELETE SET NULL).
            InvalidateShape();
        }
    }

    /// <summary>
    /// <see cref="GetEffectiveAsync"/> from the rows as they are stored now, not the snapshot: the delivery path checks
    /// those rows on every delivery and must load what they say, even after a change made behind the service's back.
    /// </summary>
    public async Task<EffectiveCredential?> GetEffectiveAsStoredAsync(Guid entityId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var chain = await StoredChainAsync(db, entityId, cancellationToken);
        var source = chain.FirstOrDefault(e => e.CredentialId is not null);
        if (source is null)
        {
            return null;
        }
        // A credential deleted between the two reads: its level already falls back (ON DELETE SET NULL); ask again.
        return await EffectiveAsync(db, source, cancellationToken) ?? await GetEffectiveAsStoredAsync(entityId, cancellationToken);
    }

    private static async Task<EffectiveCredential?> EffectiveAsync(PortalDbContext db, HierarchyShape source, CancellationToken cancellationToken)
    {
        var credential = await db.Credentials.AsNoTracking()
            .Where(c => c.Id == source.CredentialId)
            .Select(c => new { c.Id, c.PublicId, c.Name, c.Type })
            .FirstOrDefaultAsync(cancellationToken);
        return credential is null
            ? null
            : new EffectiveCredential(credential.Id, credential.PublicId, credential.Name, credential.Type, source.Id, source.Level, source.Name);
    }

    /// <summary>The entity and its ancestors, nearest first (at most four).</summary>
    private static List<HierarchyShape> Chain(IReadOnlyDictionary<Guid, HierarchyShape> entities, Guid entityId)
    {
        var chain = new List<HierarchyShape>(4);
        Guid? next = entityId;
        while (next is Guid id && chain.Count <= (int)HierarchyLevel.Workspace && entities.TryGetValue(id, out var entity))
        {
            chain.Add(entity);
            next = entity.ParentId;
        }
        return chain;
    }

    /// <summary>The entity and its ancestors as stored now, nearest first (at most four rows, one query per level).</summary>
    private static async Task<List<HierarchyShape>> StoredChainAsync(PortalDbContext db, Guid entityId, CancellationToken cancellationToken)
    {
        var chain = new List<HierarchyShape>(4);
        Guid? next = entityId;
        while (next is Guid id && chain.Count <= (int)HierarchyLevel.Workspace)
        {
            var entity = await db.HierarchyEntities.AsNoTracking().Where(e => e.Id == id)
                .Select(e => new HierarchyShape(e.Id, e.Level, e.Name, e.ParentId, e.CredentialId))
                .FirstOrDefaultAsync(cancellationToken);
            if (entity is null)
            {
                break;
            }
            chain.Add(entity);
            next = entity.ParentId;
        }
        return chain;
    }

    private static string? NameError(string? name) => CredentialRules.NameError(name, NameMaxLength);

    private static Task<bool> IsSiblingNameTakenAsync(PortalDbContext db, Guid parentId, string name, Guid? exceptId, CancellationToken cancellationToken) =>
        db.HierarchyEntities.AnyAsync(e => e.ParentId == parentId && e.Name == name && e.Id != exceptId, cancellationToken);

    private static string SiblingNameMessage(HierarchyEntity parent, string name) =>
        $"{parent.Level.DisplayName()} '{parent.Name}' already has an entity named '{name}'.";
}
