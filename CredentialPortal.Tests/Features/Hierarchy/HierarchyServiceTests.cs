using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Hierarchy;

/// <summary>The hierarchy's shape, names, deletion rules and the effective credential over a real database.</summary>
public sealed class HierarchyServiceTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;

    private HierarchyService Hierarchy => database.Services.GetRequiredService<HierarchyService>();

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<Guid> CreateAsync(HierarchyLevel level, string name, Guid? parent)
    {
        var result = await Hierarchy.CreateAsync(level, name, parent);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? []));
        return result.Id;
    }

    private async Task<(Guid Partner, Guid Organization, Guid Workspace)> ChainAsync(string partner = "Acme")
    {
        var p = await CreateAsync(HierarchyLevel.Partner, partner, null);
        var o = await CreateAsync(HierarchyLevel.Organization, "Europe", p);
        var w = await CreateAsync(HierarchyLevel.Workspace, "Ops", o);
        return (p, o, w);
    }

    private async Task<int> BearerAsync(string name, string token = "sk_live_abc123xyz789") =>
        (await database.Credentials.CreateAsync(new CredentialInput
        {
            Name = name, Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = token,
        })).Id;

    private async Task SetAsync(Guid entity, int? credential) => Assert.True((await Hierarchy.SetCredentialAsync(entity, credential)).Succeeded);

    [Fact]
    public async Task Entities_are_created_under_a_parent_of_the_level_above_with_a_trimmed_name()
    {
        var (partner, organization, workspace) = await ChainAsync("  Acme  ");

        Assert.Equal("Acme", (await Hierarchy.GetAsync(partner))!.Name);
        Assert.Equal(HierarchyDefaults.PlatformId, (await Hierarchy.GetAsync(partner))!.ParentId);
        Assert.Equal([HierarchyDefaults.PlatformId, partner, organization, workspace], await Hierarchy.GetPathAsync(workspace));
        var choice = Assert.Single(await Hierarchy.ListWorkspacesAsync(), w => w.Id == workspace);
        Assert.Equal(("Ops", "Europe", "Acme"), (choice.Name, choice.OrganizationName, choice.PartnerName));
        Assert.Contains("Ops", choice.Label);
    }

    [Fact]
    public async Task A_parent_of_the_wrong_level_or_none_is_refused_beside_the_parent_field()
    {
        var (partner, _, _) = await ChainAsync();

        var workspaceUnderPartner = await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "W", partner);
        Assert.Equal(SaveStatus.Invalid, workspaceUnderPartner.Status);
        Assert.Contains("belongs to a organization", workspaceUnderPartner.Errors!["ParentId"].Single());
        var orphan = await Hierarchy.CreateAsync(HierarchyLevel.Organization, "O", null);
        Assert.True(orphan.Errors!.ContainsKey("ParentId"));
        var unknown = await Hierarchy.CreateAsync(HierarchyLevel.Organization, "O", Guid.NewGuid());
        Assert.Contains("does not exist", unknown.Errors!["ParentId"].Single());
        var platform = await Hierarchy.CreateAsync(HierarchyLevel.Platform, "Second platform", null);
        Assert.True(platform.Errors!.ContainsKey("Level"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    public async Task A_missing_or_bad_name_is_refused_beside_the_name_field(string name)
    {
        var result = await Hierarchy.CreateAsync(HierarchyLevel.Partner, name, null);
        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.True(result.Errors!.ContainsKey("Name"));
    }

    [Fact]
    public async Task Names_are_at_most_100_characters_and_unique_among_siblings_ignoring_case()
    {
        Assert.Contains("at most 100", (await Hierarchy.CreateAsync(HierarchyLevel.Partner, new string('a', 101), null)).Errors!["Name"].Single());
        Assert.True((await Hierarchy.CreateAsync(HierarchyLevel.Partner, new string('a', 100), null)).Succeeded);

        var (partner, organization, _) = await ChainAsync();
        var twin = await Hierarchy.CreateAsync(HierarchyLevel.Partner, "ACME", null);
        Assert.Contains("already has an entity named", twin.Errors!["Name"].Single());
        // Another parent may have an organization of the same name.
        var other = await CreateAsync(HierarchyLevel.Partner, "Globex", null);
        Assert.True((await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", other)).Succeeded);

        var second = await CreateAsync(HierarchyLevel.Organization, "Asia", partner);
        Assert.Equal(SaveStatus.Invalid, (await Hierarchy.RenameAsync(second, "europe")).Status);
        Assert.True((await Hierarchy.RenameAsync(organization, " EUROPE ")).Succeeded); // its own name, recased
        Assert.Equal("EUROPE", (await Hierarchy.GetAsync(organization))!.Name);
    }

    [Fact]
    public async Task Rename_with_a_stale_version_is_a_conflict_and_changes_nothing()
    {
        var (partner, _, _) = await ChainAsync();
        var version = (await Hierarchy.GetAsync(partner))!.Version;
        Assert.True((await Hierarchy.RenameAsync(partner, "Acme Corp", version)).Succeeded);

        Assert.Equal(SaveStatus.Conflict, (await Hierarchy.RenameAsync(partner, "Lost", version)).Status);
        Assert.Equal("Acme Corp", (await Hierarchy.GetAsync(partner))!.Name);
        Assert.Equal(SaveStatus.NotFound, (await Hierarchy.RenameAsync(Guid.NewGuid(), "x")).Status);
    }

    [Fact]
    public async Task Deletion_is_refused_while_children_or_alerts_remain_and_never_for_the_platform()
    {
        var (partner, organization, workspace) = await ChainAsync();
        var alert = await database.Alerts.CreateAsync(InWorkspace(AlertInputs.RuntimeAlert(), workspace));
        Assert.True(alert.Succeeded);

        var refused = await Hierarchy.DeleteAsync(partner);
        Assert.Equal(HierarchyDeleteStatus.Refused, refused.Status);
        Assert.Contains("1 organization", refused.Message);
        var withAlert = await Hierarchy.DeleteAsync(workspace);
        Assert.Equal(HierarchyDeleteStatus.Refused, withAlert.Status);
        Assert.Contains("1 alert", withAlert.Message);
        Assert.Contains("cannot be deleted", (await Hierarchy.DeleteAsync(HierarchyDefaults.PlatformId)).Message);

        Assert.True(await database.Alerts.DeleteAsync(alert.Id));
        Assert.Equal(HierarchyDeleteStatus.Deleted, (await Hierarchy.DeleteAsync(workspace)).Status);
        Assert.Equal(HierarchyDeleteStatus.Deleted, (await Hierarchy.DeleteAsync(organization)).Status);
        Assert.Equal(HierarchyDeleteStatus.Deleted, (await Hierarchy.DeleteAsync(partner)).Status);
        Assert.Null(await Hierarchy.GetAsync(partner));
        Assert.Equal(HierarchyDeleteStatus.NotFound, (await Hierarchy.DeleteAsync(partner)).Status);
    }

    [Fact]
    public async Task Deletion_is_refused_while_a_live_API_token_is_scoped_to_the_entity()
    {
        var tokens = database.Services.GetRequiredService<CredentialPortal.Features.ApiTokens.ApiTokenService>();
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var token = await tokens.CreateAsync(new CredentialPortal.Features.ApiTokens.ApiTokenInput("Acme automation", partner, null), "admin@portal.test");

        var refused = await Hierarchy.DeleteAsync(partner);

        Assert.Equal(HierarchyDeleteStatus.Refused, refused.Status);
        Assert.Contains("1 API token scoped to it", refused.Message);
        Assert.NotNull(await Hierarchy.GetAsync(partner));

        Assert.True(await tokens.RevokeAsync(token.Result.Id));
        Assert.Equal(HierarchyDeleteStatus.Deleted, (await Hierarchy.DeleteAsync(partner)).Status);
    }

    [Fact]
    public async Task The_Default_entities_can_be_deleted_once_empty()
    {
        Assert.Equal(HierarchyDeleteStatus.Refused, (await Hierarchy.DeleteAsync(HierarchyDefaults.DefaultPartnerId)).Status);
        Assert.Equal(HierarchyDeleteStatus.Deleted, (await Hierarchy.DeleteAsync(HierarchyDefaults.DefaultWorkspaceId)).Status);
        Assert.Equal(HierarchyDeleteStatus.Deleted, (await Hierarchy.DeleteAsync(HierarchyDefaults.DefaultOrganizationId)).Status);
        Assert.Equal(HierarchyDeleteStatus.Deleted, (await Hierarchy.DeleteAsync(HierarchyDefaults.DefaultPartnerId)).Status);
        Assert.Empty((await Hierarchy.GetTreeAsync()).Children);
    }

    [Fact]
    public async Task The_effective_credential_is_the_nearest_levels_own_up_to_the_platform()
    {
        var (partner, organization, workspace) = await ChainAsync();
        Assert.Null(await Hierarchy.GetEffectiveAsync(workspace));

        var platformKey = await BearerAsync("Platform key");
        await SetAsync(HierarchyDefaults.PlatformId, platformKey);
        await AssertEffectiveAsync(workspace, platformKey, HierarchyDefaults.PlatformId, HierarchyLevel.Platform, "Platform");

        var partnerKey = await BearerAsync("Acme key");
        await SetAsync(partner, partnerKey);
        await AssertEffectiveAsync(workspace, partnerKey, partner, HierarchyLevel.Partner, "Acme");
        await AssertEffectiveAsync(organization, partnerKey, partner, HierarchyLevel.Partner, "Acme");
        Assert.Equal(platformKey, (await Hierarchy.GetEffectiveAsync(HierarchyDefaults.DefaultWorkspaceId))!.CredentialId);

        var organizationKey = await BearerAsync("Europe key");
        await SetAsync(organization, organizationKey);
        await AssertEffectiveAsync(workspace, organizationKey, organization, HierarchyLevel.Organization, "Europe");
        await AssertEffectiveAsync(partner, partnerKey, partner, HierarchyLevel.Partner, "Acme");

        var workspaceKey = await BearerAsync("Ops key");
        await SetAsync(workspace, workspaceKey);
        await AssertEffectiveAsync(workspace, workspaceKey, workspace, HierarchyLevel.Workspace, "Ops");

        // Clearing a level gives back the next one up.
        await SetAsync(workspace, null);
        await AssertEffectiveAsync(workspace, organizationKey, organization, HierarchyLevel.Organization, "Europe");
        await SetAsync(organization, null);
        await AssertEffectiveAsync(workspace, partnerKey, partner, HierarchyLevel.Partner, "Acme");
        var effective = (await Hierarchy.GetEffectiveAsync(workspace))!;
        Assert.Equal("inherited from partner Acme", effective.SourceText(workspace));
        Assert.Equal("own credential of partner Acme", effective.SourceText(partner));
        Assert.Equal(CredentialType.BearerToken, effective.Type);
        Assert.Equal("Acme key", effective.CredentialName);
    }

    [Fact]
    public async Task Deleting_a_levels_credential_makes_it_fall_back_to_its_parent()
    {
        var (partner, organization, workspace) = await ChainAsync();
        var partnerKey = await BearerAsync("Acme key");
        var organizationKey = await BearerAsync("Europe key");
        await SetAsync(partner, partnerKey);
        await SetAsync(organization, organizationKey);

        Assert.True(await database.Credentials.DeleteAsync(organizationKey));

        Assert.Null((await Hierarchy.GetAsync(organization))!.CredentialId);
        await AssertEffectiveAsync(workspace, partnerKey, partner, HierarchyLevel.Partner, "Acme");
        Assert.True(await database.Credentials.DeleteAsync(partnerKey));
        Assert.Null(await Hierarchy.GetEffectiveAsync(workspace));
    }

    [Fact]
    public async Task Setting_an_unknown_credential_or_on_an_unknown_entity_changes_nothing()
    {
        var (partner, _, _) = await ChainAsync();
        var result = await Hierarchy.SetCredentialAsync(partner, 987654);
        Assert.True(result.Errors!.ContainsKey("CredentialId"));
        Assert.Null((await Hierarchy.GetAsync(partner))!.CredentialId);
        Assert.Equal(SaveStatus.NotFound, (await Hierarchy.SetCredentialAsync(Guid.NewGuid(), null)).Status);
        Assert.Empty(await Hierarchy.GetPathAsync(Guid.NewGuid()));
        Assert.Null(await Hierarchy.GetEffectiveAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task The_tree_shows_each_levels_own_credential_by_name()
    {
        var (partner, _, _) = await ChainAsync();
        var key = await BearerAsync("Acme key");
        await SetAsync(partner, key);

        var tree = await Hierarchy.GetTreeAsync();
        var acme = Assert.Single(tree.Children, c => c.Item.Id == partner);
        Assert.Equal(("Acme key", CredentialType.BearerToken), (acme.Item.CredentialName, acme.Item.CredentialType));
        Assert.Null(acme.Children.Single().Item.CredentialName);
        Assert.Equal(["Acme", "Default"], tree.Children.Select(c => c.Item.Name));
    }

    private static CredentialPortal.Features.Alerts.AlertInput InWorkspace(CredentialPortal.Features.Alerts.AlertInput input, Guid workspace)
    {
        input.WorkspaceId = workspace;
        return input;
    }

    private async Task AssertEffectiveAsync(Guid entity, int credential, Guid source, HierarchyLevel level, string sourceName)
    {
        var effective = await Hierarchy.GetEffectiveAsync(entity);
        Assert.NotNull(effective);
        Assert.Equal((credential, source, level, sourceName), (effective.CredentialId, effective.SourceId, effective.SourceLevel, effective.SourceName));
    }
}
