using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>
/// Where a credential is used: the one query behind the credential's page and the delete dialog, and the list's Used by
/// count, which must agree with it (alerts that chose it + levels that have it as their own).
/// </summary>
public sealed class CredentialUsageTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private HierarchyService Hierarchy => database.Services.GetRequiredService<HierarchyService>();

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<int> CredentialAsync(string name)
    {
        var id = (await database.Credentials.CreateAsync(CredentialInputs.ClientId(name))).Id;
        database.Clock.Advance(TimeSpan.FromMinutes(1));
        return id;
    }

    private async Task<int> AlertAsync(string name, int? credentialId = null, Guid? inheritsIn = null)
    {
        var input = AlertInputs.RuntimeAlert(name: name, url: new Uri("https://hooks.example.com/" + name.Replace(' ', '-')), credentialId: credentialId);
        if (inheritsIn is { } workspace)
        {
            (input.WorkspaceId, input.InheritsCredential, input.CredentialId) = (workspace, true, null);
        }
        var result = await database.Alerts.CreateAsync(input);
        Assert.True(result.Succeeded);
        return result.Id;
    }

    private async Task<Dictionary<int, int>> UsedByAsync()
    {
        var page = await database.Credentials.ListAsync(new CredentialListQuery(PageSize: CredentialService.MaxPageSize));
        return page.Items.ToDictionary(r => r.Id, r => r.UsedBy);
    }

    [Fact]
    public async Task Lists_the_alerts_that_chose_it_and_its_levels_with_the_alerts_inheriting_through_each_and_the_list_counts_the_same()
    {
        var key = await CredentialAsync("Acme key");
        var unused = await CredentialAsync("Unused");
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var organization = (await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id;
        var workspace = (await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops", organization)).Id;
        var otherPartner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Globex", null)).Id;
        var otherWorkspace = (await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "Labs",
            (await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Asia", otherPartner)).Id)).Id;
        await Hierarchy.SetCredentialAsync(partner, key);
        await Hierarchy.SetCredentialAsync(otherPartner, key);
        var chose = await AlertAsync("Chose it", credentialId: key);
        var inheritsAcme = await AlertAsync("Inherits at Acme", inheritsIn: workspace);
        var inheritsGlobex = await AlertAsync("Inherits at Globex", inheritsIn: otherWorkspace);
        await AlertAsync("Default inherits", inheritsIn: HierarchyDefaults.DefaultWorkspaceId); // the Default chain has none

        var usage = CredentialUsage.Of(await database.Credentials.FindReferencesAsync(key));

        var alert = Assert.Single(usage.Alerts);
        Assert.Equal(("Chose it (Runtime Alert)", $"flexible-actions/runtime-alerts/{chose}"), (alert.Description, alert.Href));
        Assert.Equal(["Partner Acme (own credential)", "Partner Globex (own credential)"], usage.Levels.Select(l => l.Level.Description));
        Assert.All(usage.Levels, l => Assert.Equal(HierarchyCredentialReferences.Href, l.Level.Href));
        Assert.Equal([$"flexible-actions/runtime-alerts/{inheritsAcme}"], usage.Levels[0].Inheriting.Select(a => a.Href));
        Assert.Equal([$"flexible-actions/runtime-alerts/{inheritsGlobex}"], usage.Levels[1].Inheriting.Select(a => a.Href));
        Assert.Equal(3, usage.Count);

        var usedBy = await UsedByAsync();
        Assert.Equal(usage.Count, usedBy[key]);
        Assert.Equal(0, usedBy[unused]);
        Assert.Equal(0, CredentialUsage.Of(await database.Credentials.FindReferencesAsync(unused)).Count);
    }

    [Fact]
    public async Task An_alert_inherits_through_the_nearest_level_that_has_a_credential()
    {
        var key = await CredentialAsync("Shared key");
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var organization = (await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id;
        var workspace = (await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops", organization)).Id;
        await Hierarchy.SetCredentialAsync(partner, key);
        await Hierarchy.SetCredentialAsync(organization, key);
        var inheriting = await AlertAsync("Inherits", inheritsIn: workspace);

        var usage = CredentialUsage.Of(await database.Credentials.FindReferencesAsync(key));

        Assert.Equal(["Organization Europe (own credential)", "Partner Acme (own credential)"], usage.Levels.Select(l => l.Level.Description).Order());
        Assert.Equal([$"flexible-actions/runtime-alerts/{inheriting}"],
            usage.Levels.Single(l => l.Level.Description.StartsWith("Organization")).Inheriting.Select(a => a.Href));
        Assert.Empty(usage.Levels.Single(l => l.Level.Description.StartsWith("Partner")).Inheriting);
        Assert.Equal(2, (await UsedByAsync())[key]);
    }

    [Fact]
    public async Task The_counts_follow_deletions_and_a_deleted_credential_leaves_its_alerts_on_No_Auth()
    {
        var kept = await CredentialAsync("Kept");
        var deleted = await CredentialAsync("Deleted");
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        await Hierarchy.SetCredentialAsync(partner, deleted);
        var first = await AlertAsync("First", credentialId: kept);
        await AlertAsync("Second", credentialId: kept);
        var onDeleted = await AlertAsync("On the deleted one", credentialId: deleted);
        Assert.Equal((2, 2), ((await UsedByAsync())[kept], (await UsedByAsync())[deleted]));

        Assert.True(await database.Alerts.DeleteAsync(first));
        Assert.True(await database.Credentials.DeleteAsync(deleted));

        var usedBy = await UsedByAsync();
        Assert.Equal([kept], usedBy.Keys);
        Assert.Equal(1, usedBy[kept]);
        Assert.Equal(1, CredentialUsage.Of(await database.Credentials.FindReferencesAsync(kept)).Count);
        await using var db = await database.CreateDbContextAsync();
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == onDeleted);
        Assert.Equal((null, "Deleted"), (alert.CredentialId, alert.RemovedCredentialName));
        Assert.Null((await db.HierarchyEntities.AsNoTracking().SingleAsync(e => e.Id == partner)).CredentialId);
        Assert.Empty(await database.Credentials.FindReferencesAsync(deleted));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sorting_by_Used_by_pages_through_every_credential_once_in_order_ties_by_id(bool descending)
    {
        // Counts 2, 0, 1, 0, 2, 1, 0, 3: ties on every count, so only the id can keep the pages apart.
        int[] counts = [2, 0, 1, 0, 2, 1, 0, 3];
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var ids = new List<int>();
        for (var i = 0; i < counts.Length; i++)
        {
            var id = await CredentialAsync($"Credential {i}");
            ids.Add(id);
            for (var n = 0; n < counts[i]; n++)
            {
                if (i == counts.Length - 1 && n == 0)
                {
                    await Hierarchy.SetCredentialAsync(partner, id); // a level counts like an alert
                    continue;
                }
                await AlertAsync($"Alert {i}.{n}", credentialId: id);
            }
        }
        var expected = ids.Select((id, i) => (Id: id, UsedBy: counts[i])).OrderBy(r => r.UsedBy).ThenBy(r => r.Id).ToList();
        if (descending)
        {
            expected.Reverse();
        }

        // Page size 3: the first page, a middle one, and the last (which the listing reads from the other end).
        var seen = new List<(int Id, int UsedBy)>();
        for (var page = 0; page < 3; page++)
        {
            var found = await database.Credentials.ListAsync(new CredentialListQuery(null, CredentialSort.UsedBy, descending, page, PageSize: 3));
            Assert.Equal(counts.Length, found.TotalCount);
            seen.AddRange(found.Items.Select(r => (r.Id, r.UsedBy)));
        }

        Assert.Equal(expected, seen);
    }
}
