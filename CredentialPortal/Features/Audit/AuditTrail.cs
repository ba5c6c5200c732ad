using System.Text.Json;
using CredentialPortal.Data;
using CredentialPortal.Features.Users;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CredentialPortal.Features.Audit;

/// <summary>
/// Adds an <see cref="AuditEntry"/> to a context the caller is about to save, so the entry commits with the change or
/// not at all. The actor is the current one (<see cref="ActorAccessor"/>).
/// </summary>
public sealed class AuditTrail(ActorAccessor actors, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault,
    };

    public AuditEntry Add(PortalDbContext db, string action, string objectType, string? objectId, string? objectName,
        IReadOnlyCollection<AuditChange>? changes = null)
    {
        var actor = actors.Current;
        var entry = new AuditEntry
        {
            AtUtc = time.GetUtcNow().UtcDateTime,
            Actor = actor.Name,
            ActorUserId = actor.UserId,
            ActorTokenId = actor.TokenId,
            Action = action,
            ObjectType = objectType,
            ObjectId = objectId,
            ObjectName = objectName,
            Changes = changes is { Count: > 0 } ? JsonSerializer.Serialize(changes, Json) : null,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    public static IReadOnlyList<AuditChange> ChangesOf(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<AuditChange>>(json, Json) ?? [];

    /// <summary>
    /// A transaction for a change whose entry needs the id its insert gives (save the row, add the entry, save, commit).
    /// On SQLite it takes the write lock at its first write rather than at its start, as a plain save does, so that saves
    /// racing each other (a repeated create) still race to the database's unique keys instead of queueing in front of them.
    /// </summary>
    public static async Task<IDbContextTransaction> BeginAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return await db.Database.BeginTransactionAsync(cancellationToken);
        }
        await db.Database.OpenConnectionAsync(cancellationToken); // closed, and the transaction with it, when the context is disposed
        var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        return (await db.Database.UseTransactionAsync(transaction, cancellationToken))!;
    }
}
