using System.Net;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using static CredentialPortal.Tests.Features.Hierarchy.HierarchyApiTests;

namespace CredentialPortal.Tests.Instances;

/// <summary>
/// A credential rotated or deleted through one instance: another instance's next config read and next delivery use the
/// new state.
/// </summary>
public sealed class CredentialChangeTests : IAsyncLifetime
{
    private PortalInstances instances = default!;
    private LoopbackReceiver receiver = default!;

    public async Task InitializeAsync()
    {
        receiver = await LoopbackReceiver.StartAsync();
        instances = await PortalInstances.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await instances.DisposeAsync();
        await receiver.DisposeAsync();
    }

    private static string Own(Guid partner) => $"/api/v1/config/partner/{partner}/webhook-credential";

    private static string Effective(Guid workspace) => $"/api/v1/config/workspace/{workspace}/webhook-credential/effective";

    /// <summary>An alert of the workspace that inherits its credential, made on B.</summary>
    private async Task<int> InheritingAlertOnBAsync(Guid workspace)
    {
        var input = AlertInputs.PlatformEvent(url: receiver.Url("hook"));
        input.WorkspaceId = workspace;
        input.InheritsCredential = true;
        var saved = await instances.B.Service<AlertService>().CreateAsync(input);
        Assert.True(saved.Succeeded);
        return saved.Id;
    }

    /// <summary>B's Send test: the Authorization header the receiver got (null: none).</summary>
    private async Task<string?> AuthorizationSentByBAsync(int alert)
    {
        var (_, delivery) = await instances.B.Service<DeliveryService>().SendTestAsync(alert);
        Assert.Equal(DeliveryStatus.Delivered, delivery!.Status);
        return receiver.Requests.Last().Headers.GetValueOrDefault("Authorization");
    }

    [PostgresFact]
    public async Task A_credential_rotated_on_A_is_read_and_sent_by_B_with_its_new_value()
    {
        var (partner, _, workspace) = await ChainAsync(instances.A.Client);
        (await instances.A.Client.PostAsync(Own(partner), Json("""{"auth_type": "bearer", "credential": "sk_live_before_1111"}"""))).EnsureSuccessStatusCode();
        var alert = await InheritingAlertOnBAsync(workspace);
        Assert.Equal("Bearer sk_live_before_1111", await AuthorizationSentByBAsync(alert));
        Assert.Equal("...1111", (await ReadAsync(await instances.B.Client.GetAsync(Effective(workspace)))).GetProperty("credential_hint").GetString());

        var applied = instances.B.AppliedAsync(payload => payload.Contains(" credential ", StringComparison.Ordinal));
        (await instances.A.Client.PostAsync(Own(partner), Json("""{"auth_type": "bearer", "credential": "sk_live_after_2222"}"""))).EnsureSuccessStatusCode();
        await applied.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });

        Assert.Equal("...2222", (await ReadAsync(await instances.B.Client.GetAsync(Effective(workspace)))).GetProperty("credential_hint").GetString());
        Assert.Equal("Bearer sk_live_after_2222", await AuthorizationSentByBAsync(alert));
    }

    [PostgresFact]
    public async Task A_credential_deleted_on_A_is_gone_from_Bs_config_read_and_delivery()
    {
        var (partner, _, workspace) = await ChainAsync(instances.A.Client);
        (await instances.A.Client.PostAsync(Own(partner), Json("""{"auth_type": "bearer", "credential": "sk_live_deleted_3333"}"""))).EnsureSuccessStatusCode();
        var alert = await InheritingAlertOnBAsync(workspace);
        Assert.Equal("Bearer sk_live_deleted_3333", await AuthorizationSentByBAsync(alert));

        var applied = instances.B.AppliedAsync(payload => payload.EndsWith(" shape", StringComparison.Ordinal));
        using (var deleted = await instances.A.Client.DeleteAsync(Own(partner)))
        {
            Assert.True(deleted.IsSuccessStatusCode);
        }
        await applied.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });

        using var read = await instances.B.Client.GetAsync(Effective(workspace));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal("No webhook credential configured", (await ReadAsync(read)).GetProperty("detail").GetString());
        Assert.Null(await AuthorizationSentByBAsync(alert));
    }

    [PostgresFact]
    public async Task A_credential_created_or_deleted_on_A_is_counted_at_once_by_Bs_list()
    {
        var before = (await instances.B.Service<CredentialService>().ListAsync(new CredentialListQuery())).TotalCount; // B keeps its count

        var created = instances.B.AppliedAsync(payload => payload.Contains(" credential ", StringComparison.Ordinal));
        var saved = await instances.A.Service<CredentialService>().CreateAsync(new CredentialInput
        {
            Name = "Counted on B", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "sk_live_counted_4444",
        });
        await created.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        Assert.Equal(before + 1, (await instances.B.Service<CredentialService>().ListAsync(new CredentialListQuery())).TotalCount);

        var deleted = instances.B.AppliedAsync(payload => payload.Contains(" credential ", StringComparison.Ordinal));
        Assert.True(await instances.A.Service<CredentialService>().DeleteAsync(saved.Id));
        await deleted.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        Assert.Equal(before, (await instances.B.Service<CredentialService>().ListAsync(new CredentialListQuery())).TotalCount);
    }
}
