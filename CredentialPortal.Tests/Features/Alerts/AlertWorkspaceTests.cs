using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Alerts;

/// <summary>An alert's workspace and its Inherit choice: saved, loaded, validated, and described on the overview.</summary>
public sealed class AlertWorkspaceTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private HierarchyService Hierarchy => database.Services.GetRequiredService<HierarchyService>();

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<(Guid Partner, Guid Organization, Guid Workspace)> ChainAsync()
    {
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var organization = (await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id;
        var workspace = (await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops", organization)).Id;
        return (partner, organization, workspace);
    }

    private async Task<int> BearerAsync(string name) =>
        (await database.Credentials.CreateAsync(new CredentialInput { Name = name, Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "sk_live_abc123xyz789" })).Id;

    private static AlertInput Inheriting(Guid workspace, int? credentialId = null)
    {
        var input = AlertInputs.RuntimeAlert(url: new Uri("https://hooks.example.com/a"), credentialId: credentialId);
        input.WorkspaceId = workspace;
        input.InheritsCredential = true;
        return input;
    }

    [Fact]
    public async Task An_alert_is_saved_in_its_workspace_and_an_inheriting_one_keeps_no_credential_of_its_own()
    {
        var (_, _, workspace) = await ChainAsync();
        var explicitKey = await BearerAsync("Chosen before");

        var saved = await database.Alerts.CreateAsync(Inheriting(workspace, explicitKey));
        Assert.True(saved.Succeeded);

        var (input, credential) = (await database.Alerts.GetForEditAsync(saved.Id))!.Value;
        Assert.Equal(workspace, input.WorkspaceId);
        Assert.True(input.InheritsCredential);
        Assert.Null(input.CredentialId);
        Assert.Null(credential);
    }

    [Fact]
    public async Task A_new_alert_lives_in_the_Default_workspace_unless_told_otherwise()
    {
        var saved = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert());
        Assert.Equal(HierarchyDefaults.DefaultWorkspaceId, (await database.Alerts.GetForEditAsync(saved.Id))!.Value.Input.WorkspaceId);
        var overview = (await database.Alerts.GetOverviewAsync(saved.Id))!;
        Assert.Equal(("Default", "Default", "Default"), (overview.Workspace!.Name, overview.Workspace.OrganizationName, overview.Workspace.PartnerName));
    }

    [Fact]
    public async Task A_workspace_that_does_not_exist_or_is_not_a_workspace_is_refused_beside_the_workspace_field()
    {
        var (partner, _, _) = await ChainAsync();
        foreach (var workspace in new[] { Guid.NewGuid(), partner })
        {
            var input = AlertInputs.RuntimeAlert();
            input.WorkspaceId = workspace;
            var result = await database.Alerts.CreateAsync(input);
            Assert.Equal(SaveStatus.Invalid, result.Status);
            Assert.True(result.Errors!.ContainsKey(nameof(AlertInput.WorkspaceId)));
        }
        Assert.Equal(0, (await database.Alerts.ListAsync(new AlertListQuery(AlertKind.RuntimeAlert))).TotalCount);
    }

    [Fact]
    public async Task The_overview_says_which_credential_an_inheriting_alert_uses_and_where_it_comes_from()
    {
        var (partner, organization, workspace) = await ChainAsync();
        var alert = (await database.Alerts.CreateAsync(Inheriting(workspace))).Id;
        Assert.Equal("No Auth (inherited: no level above the alert has a credential)", (await database.Alerts.GetOverviewAsync(alert))!.Auth.Summary);
        Assert.True((await database.Alerts.GetOverviewAsync(alert))!.Auth.IsNoAuth);

        var acme = await BearerAsync("Acme key");
        await Hierarchy.SetCredentialAsync(partner, acme);
        var auth = (await database.Alerts.GetOverviewAsync(alert))!.Auth;
        Assert.Equal("Bearer Token 'Acme key', inherited from partner Acme", auth.Summary);
        Assert.True(auth.InheritsCredential);
        Assert.Equal(("Acme key", "Authorization"), (auth.Credential!.Name, auth.FieldName));
        Assert.Equal((partner, HierarchyLevel.Partner), (auth.Inherited!.SourceId, auth.Inherited.SourceLevel));

        await Hierarchy.SetCredentialAsync(organization, await BearerAsync("Europe key"));
        Assert.Equal("Bearer Token 'Europe key', inherited from organization Europe", (await database.Alerts.GetOverviewAsync(alert))!.Auth.Summary);
        await Hierarchy.SetCredentialAsync(workspace, await BearerAsync("Ops key"));
        Assert.Equal("Bearer Token 'Ops key', own credential of workspace Ops", (await database.Alerts.GetOverviewAsync(alert))!.Auth.Summary);

        var row = Assert.Single((await database.Alerts.ListAsync(new AlertListQuery(AlertKind.RuntimeAlert))).Items);
        Assert.Equal("Inherit: Ops key (Bearer Token)", row.WebhookAuth);
    }

    [Fact]
    public async Task An_explicit_credential_reads_as_before()
    {
        var key = await BearerAsync("Chosen");
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri("https://hooks.example.com/a"), credentialId: key))).Id;
        var auth = (await database.Alerts.GetOverviewAsync(alert))!.Auth;
        Assert.Equal("Bearer Token 'Chosen'", auth.Summary);
        Assert.False(auth.InheritsCredential);
        Assert.Null(auth.Inherited);
    }
}
