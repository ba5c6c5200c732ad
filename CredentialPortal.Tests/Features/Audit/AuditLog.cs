using CredentialPortal.Features.Audit;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Features.Audit;

/// <summary>The audit entries a test database holds, oldest first, each with its changes read back.</summary>
internal static class AuditLog
{
    public static async Task<List<(AuditEntry Entry, IReadOnlyList<AuditChange> Changes)>> ReadAsync(PortalTestDatabase database)
    {
        await using var db = await database.CreateDbContextAsync();
        var entries = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        return entries.Select(e => (e, AuditTrail.ChangesOf(e.Changes))).ToList();
    }

    /// <summary>The one entry with this action.</summary>
    public static async Task<(AuditEntry Entry, IReadOnlyList<AuditChange> Changes)> SingleAsync(PortalTestDatabase database, string action) =>
        Assert.Single(await ReadAsync(database), e => e.Entry.Action == action);

    /// <summary>Every column of every entry, as text: what a secret must never be found in.</summary>
    public static async Task<string> AllTextAsync(PortalTestDatabase database) =>
        string.Join("\n", (await ReadAsync(database)).Select(e =>
            $"{e.Entry.Actor}|{e.Entry.ActorUserId}|{e.Entry.Action}|{e.Entry.ObjectType}|{e.Entry.ObjectId}|{e.Entry.ObjectName}|{e.Entry.Changes}"));

    public static AuditChange Field(IReadOnlyList<AuditChange> changes, string field) => Assert.Single(changes, c => c.Field == field);
}
