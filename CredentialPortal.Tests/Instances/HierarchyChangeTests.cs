using System.Net;
using System.Text.Json;
using CredentialPortal.Tests.Infrastructure;
using static CredentialPortal.Tests.Features.Hierarchy.HierarchyApiTests;

namespace CredentialPortal.Tests.Instances;

/// <summary>A change of the hierarchy through one instance shows in another's config API at once (its snapshot is dropped).</summary>
public sealed class HierarchyChangeTests
{
    private static string Effective(string type, Guid id) => $"/api/v1/config/{type}/{id}/webhook-credential/effective";

    [PostgresFact]
    public async Task A_workspace_created_on_A_is_found_by_B_with_the_credential_it_inherits()
    {
        await using var instances = await PortalInstances.StartAsync();
        var (partner, organization, _) = await ChainAsync(instances.A.Client);
        using (var set = await instances.A.Client.PostAsync($"/api/v1/config/partner/{partner}/webhook-credential",
            Json("""{"auth_type": "bearer", "credential": "sk_live_inherited_1111"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }
        using (var warm = await instances.B.Client.GetAsync(Effective("organization", organization)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode); // B holds a snapshot of the hierarchy now
        }

        var applied = instances.B.AppliedAsync(payload => payload.EndsWith(" shape", StringComparison.Ordinal));
        var workspace = await CreateAsync(instances.A.Client, "/api/v1/workspaces", $$"""{"name": "Made on A", "organization_id": "{{organization}}"}""");
        await applied.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }); // old code: no message, and the check below fails

        using var read = await instances.B.Client.GetAsync(Effective("workspace", workspace));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await ReadAsync(read);
        Assert.Equal(("...1111", "partner", partner), (body.GetProperty("credential_hint").GetString(),
            body.GetProperty("source").GetProperty("entity_type").GetString(), body.GetProperty("source").GetProperty("entity_id").GetGuid()));
    }

    [PostgresFact]
    public async Task A_credential_set_on_a_level_on_A_is_inherited_in_Bs_config_read()
    {
        await using var instances = await PortalInstances.StartAsync();
        var (partner, _, workspace) = await ChainAsync(instances.A.Client);
        using (var none = await instances.B.Client.GetAsync(Effective("workspace", workspace)))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode); // no level has one yet; B holds the snapshot
        }

        var applied = instances.B.AppliedAsync(payload => payload.EndsWith(" shape", StringComparison.Ordinal));
        using (var set = await instances.A.Client.PostAsync($"/api/v1/config/partner/{partner}/webhook-credential",
            Json("""{"auth_type": "bearer", "credential": "sk_live_set_on_a_2222"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }
        await applied.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });

        using var read = await instances.B.Client.GetAsync(Effective("workspace", workspace));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("...2222", (await ReadAsync(read)).GetProperty("credential_hint").GetString());
    }
}
