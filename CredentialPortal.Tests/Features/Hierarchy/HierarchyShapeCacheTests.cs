using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Hierarchy;

/// <summary>
/// The hierarchy's in-memory snapshot (scope checks, the effective credential): every change through the services is
/// seen by the very next read, while a warm snapshot answers without reading the rows again.
/// </summary>
public sealed class HierarchyShapeCacheTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;

    private HierarchyService Hierarchy => database.Services.GetRequiredService<HierarchyService>();

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<Guid> CreateAsync(HierarchyLevel level, string name, Guid? parent)
    {
        var result = await Hierarchy.CreateAsync(level, name, parent);
        Assert.True(result.Succeeded);
        return result.Id;
    }

    private async Task<int> BearerAsync(string name) =>
        (await database.Credentials.CreateAsync(new CredentialInput
        {
            Name = name, Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "sk_live_abc123xyz789",
        })).Id;

    [Fact]
    public async Task Each_change_through_the_service_is_seen_by_the_next_read_of_a_warm_snapshot()
    {
        var partner = await CreateAsync(HierarchyLevel.Partner, "Acme", null);
        Assert.Equal([HierarchyDefaults.PlatformId, partner], await Hierarchy.GetPathAsync(partner)); // warm

        var organization = await CreateAsync(HierarchyLevel.Organization, "Europe", partner);
        var workspace = await CreateAsync(HierarchyLevel.Workspace, "Ops", organization);
        Assert.Equal([HierarchyDefaults.PlatformId, partner, organization, workspace], await Hierarchy.GetPathAsync(workspace));
        Assert.Null(await Hierarchy.GetEffectiveAsync(workspace));

        var key = await BearerAsync("Acme key");
        Assert.True((await Hierarchy.SetCredentialAsync(partner, key)).Succeeded);
        Assert.Equal((key, partner), ((await Hierarchy.GetEffectiveAsync(workspace))!.CredentialId, (await Hierarchy.GetEffectiveAsync(workspace))!.SourceId));

        Assert.True((await Hierarchy.RenameAsync(partner, "Acme Corp")).Succeeded);
        Assert.Equal("Acme Corp", (await Hierarchy.GetCredentialSourceAsync(workspace))!.Name);

        Assert.True((await Hierarchy.SetCredentialAsync(partner, null)).Succeeded);
        Assert.Null(await Hierarchy.GetCredentialSourceAsync(workspace));

        Assert.Equal(HierarchyDeleteStatus.Deleted, (await Hierarchy.DeleteAsync(workspace)).Status);
        Assert.Null(await Hierarchy.FindAsync(workspace));
        Assert.Empty(await Hierarchy.GetPathAsync(workspace));
    }

    [Fact]
    public async Task A_change_whose_eviction_never_came_is_seen_once_the_snapshot_is_a_minute_old()
    {
        var partner = await CreateAsync(HierarchyLevel.Partner, "Acme", null);
        Assert.Equal("Acme", (await Hierarchy.FindAsync(partner))!.Name); // warm

        // By hand, as another instance whose message was lost (killed between its commit and its message) would.
        await using (var db = await database.CreateDbContextAsync())
        {
            await db.HierarchyEntities.Where(e => e.Id == partner).ExecuteUpdateAsync(e => e.SetProperty(x => x.Name, "Acme Corp"));
        }
        database.Clock.Advance(HierarchyService.ShapeLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal("Acme", (await Hierarchy.FindAsync(partner))!.Name);

        database.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("Acme Corp", (await Hierarchy.FindAsync(partner))!.Name);
    }

    [Fact]
    public async Task A_deleted_credential_is_no_longer_the_source_once_its_deletion_is_committed()
    {
        var partner = await CreateAsync(HierarchyLevel.Partner, "Acme", null);
        var organization = await CreateAsync(HierarchyLevel.Organization, "Europe", partner);
        var partnerKey = await BearerAsync("Acme key");
        var organizationKey = await BearerAsync("Europe key");
        Assert.True((await Hierarchy.SetCredentialAsync(partner, partnerKey)).Succeeded);
        Assert.True((await Hierarchy.SetCredentialAsync(organization, organizationKey)).Succeeded);
        Assert.Equal(organization, (await Hierarchy.GetCredentialSourceAsync(organization))!.Id); // warm

        Assert.True(await database.Credentials.DeleteAsync(organizationKey));

        // The source alone reads the snapshot only: the deletion itself must have dropped it.
        var source = (await Hierarchy.GetCredentialSourceAsync(organization))!;
        Assert.Equal((partner, partnerKey), (source.Id, source.CredentialId));
        Assert.Null((await Hierarchy.FindAsync(organization))!.CredentialId);
    }

    [Fact]
    public async Task A_warm_snapshot_answers_without_reading_the_rows_again()
    {
        var partner = await CreateAsync(HierarchyLevel.Partner, "Acme", null);
        Assert.Equal("Acme", (await Hierarchy.FindAsync(partner))!.Name); // warm

        // By hand, behind the service's back: the snapshot still answers as it was, until it is dropped.
        await using (var db = await database.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE \"HierarchyEntities\" SET \"Name\" = 'Renamed by hand' WHERE \"Id\" = {partner}");
        }
        Assert.Equal("Acme", (await Hierarchy.FindAsync(partner))!.Name);

        Hierarchy.InvalidateShape();
        Assert.Equal("Renamed by hand", (await Hierarchy.FindAsync(partner))!.Name);
    }
}
