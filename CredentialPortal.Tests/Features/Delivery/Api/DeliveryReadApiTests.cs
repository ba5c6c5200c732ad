using System.Text.Json.Nodes;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials.Api;

namespace CredentialPortal.Tests.Features.Delivery.Api;

/// <summary>GET /api/v1/deliveries/{delivery_id}: the delivery, its body and each attempt's masked request, within the token's scope.</summary>
public sealed class DeliveryReadApiTests(DeliveryApiFixture api) : IClassFixture<DeliveryApiFixture>
{
    [Fact]
    public async Task A_delivered_delivery_reads_with_its_body_and_attempts_and_no_secret()
    {
        const string secret = "s3cret-header-value";
        var input = AlertInputs.RuntimeAlert("Disk full", headers: ("X-Team", "storage"));
        input.Headers.Add(new() { Name = "X-Api-Key", Value = secret, Secret = true });
        var alertId = await api.CreateAlertAsync(input: input);
        var deliveryId = await api.FireAcceptedAsync(alertId, new { disk = "/var", percent = 99 });
        await api.WaitForStatusAsync(deliveryId, DeliveryStatus.Delivered);

        var read = await api.GetDeliveryAsync(deliveryId);

        read.AssertHolds(200, secret);
        var json = read.Json;
        Assert.Equal(deliveryId.ToString(), json["delivery_id"]!.ToString());
        Assert.Equal(alertId, json["alert_id"]!.GetValue<int>());
        Assert.Equal("delivered", json["status"]!.ToString());
        Assert.False(json["is_test"]!.GetValue<bool>());
        Assert.Equal("msg_" + deliveryId.ToString("N"), json["webhook_id"]!.ToString());
        Assert.EndsWith("Z", json["created_at"]!.ToString());
        Assert.EndsWith("Z", json["completed_at"]!.ToString());
        Assert.Null(json["next_attempt_at"]);
        Assert.Equal(1, json["attempt_count"]!.GetValue<int>());
        Assert.Equal(200, json["status_code"]!.GetValue<int>());
        Assert.Null(json["error"]);
        // The body is the JSON sent, as JSON (not a string holding it).
        Assert.Equal("/var", json["body"]!["data"]!["disk"]!.ToString());
        Assert.Equal(deliveryId.ToString(), json["body"]!["delivery_id"]!.ToString());
        var attempt = Assert.Single(json["attempts"]!.AsArray())!;
        Assert.EndsWith("Z", attempt["at"]!.ToString());
        Assert.Equal(200, attempt["status_code"]!.GetValue<int>());
        Assert.True(attempt["duration_ms"]!.GetValue<int>() >= 0);
        Assert.Equal("POST", attempt["request"]!["method"]!.ToString());
        Assert.Contains("/hook/", attempt["request"]!["url"]!.ToString());
        var headers = attempt["request"]!["headers"]!.AsObject();
        Assert.Equal("storage", headers["X-Team"]!.ToString());
        Assert.Equal(CredentialWireFormat.Mask, headers["X-Api-Key"]!.ToString());
        Assert.Equal("msg_" + deliveryId.ToString("N"), headers["webhook-id"]!.ToString());
    }

    [Fact]
    public async Task A_failed_attempt_reads_with_its_status_code()
    {
        await using var receiver = await Infrastructure.LoopbackReceiver.StartAsync();
        receiver.Script(new Infrastructure.LoopbackReceiver.Reply(404));
        var deliveryId = await api.FireAcceptedAsync(await api.CreateAlertAsync(receiver));
        await api.WaitForStatusAsync(deliveryId, DeliveryStatus.Failed);

        var read = await api.GetDeliveryAsync(deliveryId);

        read.AssertHolds(200);
        Assert.Equal("failed", read["status"]);
        Assert.Equal(404, read.Json["status_code"]!.GetValue<int>());
        Assert.Equal(404, read.Json["attempts"]![0]!["status_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_delivery_is_a_404()
    {
        var read = await api.GetDeliveryAsync(Guid.NewGuid());

        read.AssertProblem(404);
    }

    [Fact]
    public async Task A_token_reads_deliveries_of_alerts_in_its_scope_and_gets_403_elsewhere()
    {
        var (_, workspace) = await api.CreateSubtreeAsync();
        var inside = await api.FireAcceptedAsync(await api.CreateAlertAsync(workspaceId: workspace));
        var outside = await api.FireAcceptedAsync(await api.CreateAlertAsync(workspaceId: HierarchyDefaults.DefaultWorkspaceId));
        using var scoped = await api.ClientScopedToAsync(workspace);

        (await api.GetDeliveryAsync(inside, scoped)).AssertHolds(200);
        (await api.GetDeliveryAsync(outside, scoped)).AssertProblem(403);
    }
}
