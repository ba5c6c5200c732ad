using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Instances;

/// <summary>
/// The list's Used by counts are kept in memory on each instance: an alert or a level that chooses a credential through
/// one instance shows in the other's list at once (its counts are dropped).
/// </summary>
public sealed class UsedByChangeTests
{
    [PostgresFact]
    public async Task An_alert_and_a_level_choosing_a_credential_on_A_are_counted_in_Bs_list()
    {
        await using var instances = await PortalInstances.StartAsync();
        var credential = (await instances.A.Service<CredentialService>().CreateAsync(CredentialInputs.ClientId("Shared key"))).Id;
        async Task<int> UsedByOnBAsync() =>
            (await instances.B.Service<CredentialService>().ListAsync(new CredentialListQuery(PageSize: CredentialService.MaxPageSize)))
            .Items.Single(r => r.Id == credential).UsedBy;
        Assert.Equal(0, await UsedByOnBAsync()); // B keeps its counts now

        var references = instances.B.AppliedAsync(payload => payload.EndsWith(" references", StringComparison.Ordinal));
        var alert = await instances.A.Service<AlertService>().CreateAsync(
            AlertInputs.RuntimeAlert("Chooses it", new Uri("https://hooks.example.com/chooses"), credential));
        Assert.True(alert.Succeeded);
        await references.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }); // without the message the check below fails
        Assert.Equal(1, await UsedByOnBAsync());

        var shape = instances.B.AppliedAsync(payload => payload.EndsWith(" shape", StringComparison.Ordinal));
        var hierarchy = instances.A.Service<HierarchyService>();
        var partner = (await hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        await shape.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        shape = instances.B.AppliedAsync(payload => payload.EndsWith(" shape", StringComparison.Ordinal));
        Assert.True((await hierarchy.SetCredentialAsync(partner, credential)).Succeeded);
        await shape.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        Assert.Equal(2, await UsedByOnBAsync());
    }
}
