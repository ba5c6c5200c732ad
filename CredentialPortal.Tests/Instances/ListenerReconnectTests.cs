using System.Net;
using CredentialPortal.Data;
using CredentialPortal.Infrastructure;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CredentialPortal.Tests.Features.Hierarchy.HierarchyApiTests;

namespace CredentialPortal.Tests.Instances;

/// <summary>
/// The listening connection dropped by the server: the instance connects again and drops what it cached meanwhile (the
/// messages sent while it was away are lost), then follows the others' changes as before.
/// </summary>
public sealed class ListenerReconnectTests
{
    private static string Effective(string type, Guid id) => $"/api/v1/config/{type}/{id}/webhook-credential/effective";

    [PostgresFact]
    public async Task After_its_listening_connection_is_killed_an_instance_connects_again_and_misses_no_change()
    {
        await using var instances = await PortalInstances.StartAsync();
        var (partner, organization, _) = await ChainAsync(instances.A.Client);
        (await instances.A.Client.PostAsync($"/api/v1/config/partner/{partner}/webhook-credential",
            Json("""{"auth_type": "bearer", "credential": "sk_live_reconnect_4444"}"""))).EnsureSuccessStatusCode();
        using (var warm = await instances.B.Client.GetAsync(Effective("organization", organization)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode); // B holds a snapshot of the hierarchy now
        }

        var reconnected = instances.B.ConnectedAgainAsync();
        await using (var db = await instances.A.Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var killed = await db.Database.SqlQueryRaw<bool>(
                "SELECT pg_terminate_backend(pid) AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND application_name = {0}",
                CacheInvalidation.ListenerApplicationName).ToListAsync();
            Assert.Equal(2, killed.Count(k => k)); // A's and B's
        }
        // Made while B may not listen: its message can be lost, and the reconnection must make up for it.
        var workspace = await CreateAsync(instances.A.Client, "/api/v1/workspaces", $$"""{"name": "Made while B was away", "organization_id": "{{organization}}"}""");
        await reconnected.WaitAsync(TimeSpan.FromSeconds(30));

        using (var read = await instances.B.Client.GetAsync(Effective("workspace", workspace)))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        // And B follows the next change by message again.
        var applied = instances.B.AppliedAsync(payload => payload.EndsWith(" shape", StringComparison.Ordinal));
        var second = await CreateAsync(instances.A.Client, "/api/v1/workspaces", $$"""{"name": "Made after", "organization_id": "{{organization}}"}""");
        await applied.WaitAsync(TimeSpan.FromSeconds(10));
        using var after = await instances.B.Client.GetAsync(Effective("workspace", second));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
