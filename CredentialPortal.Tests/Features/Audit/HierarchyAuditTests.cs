using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Audit;

public sealed class HierarchyAuditTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;

    private HierarchyService Hierarchy => database.Services.GetRequiredService<HierarchyService>();

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Creating_renaming_setting_a_credential_and_deleting_are_each_recorded_under_the_entity_id()
    {
        var created = await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null);
        Assert.Equal(SaveStatus.Saved, created.Status);
        var id = created.Id;
        Assert.Equal(SaveStatus.Saved, (await Hierarchy.RenameAsync(id, "Acme Corp")).Status);
        var credential = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Acme key"))).Id;
        Assert.Equal(SaveStatus.Saved, (await Hierarchy.SetCredentialAsync(id, credential)).Status);
        Assert.Equal(SaveStatus.Saved, (await Hierarchy.SetCredentialAsync(id, null)).Status);
        Assert.Equal(HierarchyDeleteStatus.Deleted, (await Hierarchy.DeleteAsync(id)).Status);

        var entries = (await AuditLog.ReadAsync(database)).Where(e => e.Entry.ObjectType == "hierarchy").ToList();
        Assert.All(entries, e => Assert.Equal(id.ToString(), e.Entry.ObjectId));
        Assert.Equal(
            ["hierarchy.created", "hierarchy.renamed", "hierarchy.credential-changed", "hierarchy.credential-changed", "hierarchy.deleted"],
            entries.Select(e => e.Entry.Action));
        Assert.Contains(new AuditChange("Name", null, "Acme"), entries[0].Changes);
        Assert.Equal([new AuditChange("Name", "Acme", "Acme Corp")], entries[1].Changes);
        Assert.Equal([new AuditChange("Credential", "Inherit", "Acme key")], entries[2].Changes);
        Assert.Equal([new AuditChange("Credential", "Acme key", "Inherit")], entries[3].Changes);
        Assert.Equal("Acme Corp", entries[4].Entry.ObjectName);
    }

    [Fact]
    public async Task A_refused_deletion_records_nothing()
    {
        Assert.Equal(HierarchyDeleteStatus.Refused, (await Hierarchy.DeleteAsync(HierarchyDefaults.PlatformId)).Status);

        Assert.Empty(await AuditLog.ReadAsync(database));
    }
}
