using System.Net;

namespace CredentialPortal.E2E.Deployment;

/// <summary>Instances started at the same moment on one empty database: one migrates (EF Core's migration lock), all come up.</summary>
[Collection(CredentialPortal.E2E.Infrastructure.PortalCollection.Name)]
public sealed class SimultaneousStartTests
{
    [DeploymentFact]
    public async Task Instances_started_at_once_with_the_same_seed_settings_all_come_up()
    {
        await using var deployment = await Deployment.StartAsync(seedEveryInstance: true);
        foreach (var instance in deployment.Instances)
        {
            using var health = await instance.Api.GetAsync("health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }
}
