using System.Text.Json;
using CredentialPortal.Data;
using CredentialPortal.Features.Users;

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
}
