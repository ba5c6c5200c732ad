using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Hierarchy;

/// <summary>
/// A credential that is some level's own: the delete confirmation lists the level and the alerts inheriting it through
/// the level; the deletion makes the level fall back to its parent and moves its version.
/// </summary>
public sealed class HierarchyCredentialReferencesTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private HierarchyService Hierarchy => database.Services.GetRequiredService<HierarchyService>();

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<int> BearerAsync(string name) =>
        (await database.Credentials.CreateAsync(new CredentialInput { Name = name, Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "sk_live_abc123xyz789" })).Id;

    [Fact]
    public async Task The_references_name_the_level_the_inheriting_alerts_and_the_explicit_ones_each_with_its_kind()
    {
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var organization = (await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id;
        var workspace = (await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops", organization)).Id;
        var key = await BearerAsync("Acme key");
        await Hierarchy.SetCredentialAsync(partner, key);

        var inheriting = AlertInputs.RuntimeAlert(name: "Inherits", url: new Uri("https://hooks.example.com/a"));
        (inheriting.WorkspaceId, inheriting.InheritsCredential) = (workspace, true);
        var inheritingId = (await database.Alerts.CreateAsync(inheriting)).Id;
        var elsewhere = AlertInputs.RuntimeAlert(name: "Default inherits", url: new Uri("https://hooks.example.com/b"));
        elsewhere.InheritsCredential = true; // the Default chain has no credential
        await database.Alerts.CreateAsync(elsewhere);
        await database.Alerts.CreateAsync(AlertInputs.PlatformEvent(name: "Chose it", url: new Uri("https://hooks.example.com/c"), credentialId: key));

        var references = await database.Credentials.FindReferencesAsync(key);

        Assert.Equal(
            [
                ("Chose it (Platform Event)", CredentialReferenceKind.Explicit),
                ("Partner Acme (own credential)", CredentialReferenceKind.Level),
                ("Inherits (Runtime Alert, inherited)", CredentialReferenceKind.Inherited),
            ],
            references.Select(r => (r.Description, r.Kind)).OrderBy(r => r.Kind));
        Assert.Equal(HierarchyCredentialReferences.Href, references.Single(r => r.Kind == CredentialReferenceKind.Level).Href);
        Assert.EndsWith($"/{inheritingId}", references.Single(r => r.Kind == CredentialReferenceKind.Inherited).Href);

        // Overridden below: the alert no longer inherits this one.
        await Hierarchy.SetCredentialAsync(organization, await BearerAsync("Europe key"));
        Assert.DoesNotContain(await database.Credentials.FindReferencesAsync(key), r => r.Kind == CredentialReferenceKind.Inherited);
    }

    [Fact]
    public async Task Deleting_the_credential_clears_the_level_and_moves_its_version()
    {
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var key = await BearerAsync("Acme key");
        await Hierarchy.SetCredentialAsync(partner, key);
        var before = (await Hierarchy.GetAsync(partner))!;

        Assert.True(await database.Credentials.DeleteAsync(key));

        var after = (await Hierarchy.GetAsync(partner))!;
        Assert.Null(after.CredentialId);
        Assert.Equal(before.Version + 1, after.Version);
        // A rename from a form opened before the deletion is a conflict, so nothing it held comes back.
        Assert.Equal(CredentialPortal.Features.Shared.SaveStatus.Conflict, (await Hierarchy.RenameAsync(partner, "Acme 2", before.Version)).Status);
    }

    [Fact]
    public async Task A_credential_no_level_uses_has_no_level_references()
    {
        var key = await BearerAsync("Unused");
        Assert.Empty(await database.Credentials.FindReferencesAsync(key));
    }
}
