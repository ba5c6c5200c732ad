using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Shared;
using CredentialPortal.Infrastructure;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>
/// What the credential service keeps in memory: the read of a credential that the configuration API's GETs use, and the
/// list's unfiltered count. A warm entry answers without a query, and every creation, edit or deletion through the
/// service is seen by the very next read.
/// </summary>
public sealed class CredentialCachedReadTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;

    private CredentialService Service => database.Credentials;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<int> BearerAsync(string name) =>
        (await Service.CreateAsync(new CredentialInput
        {
            Name = name, Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "sk_live_abc123xyz789",
        })).Id;

    [Fact]
    public async Task A_warm_entry_answers_without_reading_the_row_again()
    {
        var id = await BearerAsync("Acme key");
        Assert.Equal("Acme key", (await Service.GetCachedAsync(id))!.Name); // warm

        // By hand, behind the service's back: the cached read still answers as it was, until the credential changes.
        await using (var db = await database.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE \"Credentials\" SET \"Name\" = 'Renamed by hand' WHERE \"Id\" = {id}");
        }
        Assert.Equal("Acme key", (await Service.GetCachedAsync(id))!.Name);
        Assert.Equal("Renamed by hand", (await Service.GetForEditAsync(id))!.Name); // the form's read is never cached

        database.Services.GetRequiredService<CacheInvalidation>().CredentialChanged(id);
        Assert.Equal("Renamed by hand", (await Service.GetCachedAsync(id))!.Name);
    }

    [Fact]
    public async Task An_edit_and_a_deletion_are_seen_by_the_next_read()
    {
        var id = await BearerAsync("Acme key");
        var before = (await Service.GetCachedAsync(id))!; // warm

        var edit = before.ToInput();
        edit.Name = "Acme key (rotated)";
        edit.FieldName = "X-Api-Key";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(id, edit)).Status);
        var after = (await Service.GetCachedAsync(id))!;
        Assert.Equal(("Acme key (rotated)", "X-Api-Key", before.Version + 1), (after.Name, after.FieldName, after.Version));

        Assert.True(await Service.DeleteAsync(id));
        Assert.Null(await Service.GetCachedAsync(id));
    }

    [Fact]
    public async Task A_level_whose_credential_was_edited_answers_the_edit_through_the_config_read()
    {
        var hierarchy = database.Services.GetRequiredService<HierarchyService>();
        var config = database.Services.GetRequiredService<HierarchyWebhookCredentials>();
        var id = await BearerAsync("Platform key");
        Assert.True((await hierarchy.SetCredentialAsync(HierarchyDefaults.PlatformId, id)).Succeeded);
        Assert.Equal("Authorization", (await config.GetAsync(HierarchyDefaults.DefaultWorkspaceId, effective: true))!.HeaderName); // warm

        var edit = (await Service.GetForEditAsync(id))!.ToInput();
        edit.FieldName = "X-Api-Key";
        Assert.Equal(SaveStatus.Saved, (await Service.UpdateAsync(id, edit)).Status);

        Assert.Equal("X-Api-Key", (await config.GetAsync(HierarchyDefaults.DefaultWorkspaceId, effective: true))!.HeaderName);
    }

    [Fact]
    public async Task The_lists_count_is_kept_until_a_credential_is_created_or_deleted()
    {
        var first = await BearerAsync("Acme key");
        Assert.Equal(1, (await Service.ListAsync(new CredentialListQuery())).TotalCount); // warm

        // By hand, behind the service's back: the kept count still answers, as the page below it is read anew.
        await using (var db = await database.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"Credentials\" WHERE \"Id\" = {first}");
        }
        Assert.Equal(1, (await Service.ListAsync(new CredentialListQuery())).TotalCount);

        var second = await BearerAsync("Globex key");
        var page = await Service.ListAsync(new CredentialListQuery());
        Assert.Equal((1, "Globex key"), (page.TotalCount, page.Items.Single().Name));

        var third = await BearerAsync("Initech key");
        Assert.Equal(2, (await Service.ListAsync(new CredentialListQuery())).TotalCount);
        Assert.True(await Service.DeleteAsync(second));
        Assert.Equal(1, (await Service.ListAsync(new CredentialListQuery())).TotalCount);
        Assert.True(await Service.DeleteAsync(third));
        Assert.Equal(0, (await Service.ListAsync(new CredentialListQuery())).TotalCount);
    }
}
