using CredentialPortal.Features.Audit;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Features.Audit;

public sealed class AuditAppendOnlyTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;

    public async Task InitializeAsync()
    {
        database = await PortalTestDatabase.CreateAsync();
        await database.Credentials.CreateAsync(CredentialInputs.ClientId("Hyrule"));
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task An_entry_cannot_be_changed_through_the_context()
    {
        await using (var db = await database.CreateDbContextAsync())
        {
            var entry = await db.AuditEntries.SingleAsync();
            entry.Actor = "someone else";
            await Assert.ThrowsAsync<AuditAppendOnlyException>(() => db.SaveChangesAsync());
        }
        Assert.Equal("system", (await AuditLog.SingleAsync(database, "credential.created")).Entry.Actor);
    }

    [Fact]
    public async Task An_entry_cannot_be_deleted_through_the_context()
    {
        await using (var db = await database.CreateDbContextAsync())
        {
            db.AuditEntries.Remove(await db.AuditEntries.SingleAsync());
            await Assert.ThrowsAsync<AuditAppendOnlyException>(() => db.SaveChangesAsync());
        }
        Assert.Single(await AuditLog.ReadAsync(database));
    }

    [Fact]
    public async Task Bulk_updates_and_deletes_of_the_table_are_refused()
    {
        await using (var db = await database.CreateDbContextAsync())
        {
            await Assert.ThrowsAsync<AuditAppendOnlyException>(() => db.AuditEntries.ExecuteDeleteAsync());
            await Assert.ThrowsAsync<AuditAppendOnlyException>(() => db.AuditEntries.ExecuteUpdateAsync(s => s.SetProperty(e => e.Actor, "x")));
        }
        Assert.Equal("system", Assert.Single(await AuditLog.ReadAsync(database)).Entry.Actor);
    }

    [Fact]
    public async Task Adding_entries_is_what_stays_allowed()
    {
        await using (var db = await database.CreateDbContextAsync())
        {
            db.AuditEntries.Add(new AuditEntry { Actor = "system", Action = "test.added", ObjectType = "test", AtUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        Assert.Equal(2, (await AuditLog.ReadAsync(database)).Count);
    }
}
