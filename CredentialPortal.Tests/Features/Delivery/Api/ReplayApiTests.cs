using System.Globalization;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Credentials.Api;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Delivery.Api;

/// <summary>
/// POST /api/v1/deliveries/{delivery_id}/replay and /api/v1/alerts/{alert_id}/replay-failed: a finished delivery is sent
/// again with the same webhook-id and body; one still on its way, or an alert whose webhook is off, is a 409.
/// </summary>
public sealed class ReplayApiTests(DeliveryApiFixture api) : IClassFixture<DeliveryApiFixture>
{
    [Fact]
    public async Task A_failed_delivery_replayed_after_the_receiver_is_fixed_arrives_with_the_same_webhook_id_and_body()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Script(new LoopbackReceiver.Reply(400));
        var deliveryId = await api.FireAcceptedAsync(await api.CreateAlertAsync(receiver), new { incident = 7 });
        await api.WaitForStatusAsync(deliveryId, DeliveryStatus.Failed);

        var replayed = await api.SendAsync(HttpMethod.Post, $"/api/v1/deliveries/{deliveryId}/replay");

        replayed.AssertHolds(202);
        Assert.Equal(deliveryId.ToString(), replayed["delivery_id"]);
        Assert.Equal($"/api/v1/deliveries/{deliveryId}", replayed.Location);
        var delivered = await api.WaitForStatusAsync(deliveryId, DeliveryStatus.Delivered);
        var requests = DeliveryApiFixture.RequestsOf(receiver, delivered);
        Assert.Equal(2, requests.Count);
        Assert.Equal("msg_" + deliveryId.ToString("N"), requests[0].Headers["webhook-id"]);
        Assert.Equal(requests[0].Headers["webhook-id"], requests[1].Headers["webhook-id"]);
        Assert.Equal(requests[0].Body, requests[1].Body);
        var read = await api.GetDeliveryAsync(deliveryId);
        Assert.Equal("delivered", read["status"]);
        Assert.Equal(new[] { 400, 200 }, read.Json["attempts"]!.AsArray().Select(a => a!["status_code"]!.GetValue<int>()).ToArray());
    }

    [Fact]
    public async Task A_delivered_delivery_can_be_replayed_too()
    {
        var deliveryId = await api.FireAcceptedAsync(await api.CreateAlertAsync());
        await api.WaitForStatusAsync(deliveryId, DeliveryStatus.Delivered);

        (await api.SendAsync(HttpMethod.Post, $"/api/v1/deliveries/{deliveryId}/replay")).AssertHolds(202);

        var again = await api.Commits.UntilAsync(async () => await api.Host.Service<DeliveryService>().GetAsync(deliveryId),
            d => d!.AttemptCount == 2 && d.Status == DeliveryStatus.Delivered, "the replay to be delivered");
        Assert.Equal(2, DeliveryApiFixture.RequestsOf(api.Receiver, again!).Count);
    }

    [Fact]
    public async Task A_delivery_still_on_its_way_is_a_409()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var release = new TaskCompletionSource();
        receiver.Script(new LoopbackReceiver.Reply(Until: release.Task));
        var deliveryId = await api.FireAcceptedAsync(await api.CreateAlertAsync(receiver));

        var replayed = await api.SendAsync(HttpMethod.Post, $"/api/v1/deliveries/{deliveryId}/replay");

        release.SetResult();
        replayed.AssertProblem(409);
        Assert.Contains("still being sent", replayed["detail"]);
        await api.WaitForStatusAsync(deliveryId, DeliveryStatus.Delivered);
    }

    [Fact]
    public async Task A_delivery_of_an_alert_whose_webhook_is_off_is_a_409()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Script(new LoopbackReceiver.Reply(410));
        var deliveryId = await api.FireAcceptedAsync(await api.CreateAlertAsync(receiver));
        await api.WaitForStatusAsync(deliveryId, DeliveryStatus.Failed);

        var replayed = await api.SendAsync(HttpMethod.Post, $"/api/v1/deliveries/{deliveryId}/replay");

        replayed.AssertProblem(409);
        Assert.Contains("410 Gone", replayed["detail"]);
    }

    [Fact]
    public async Task An_unknown_delivery_is_a_404_and_one_outside_the_tokens_scope_a_403()
    {
        var (partner, _) = await api.CreateSubtreeAsync();
        var deliveryId = await api.FireAcceptedAsync(await api.CreateAlertAsync());
        await api.WaitForStatusAsync(deliveryId, DeliveryStatus.Delivered);
        using var scoped = await api.ClientScopedToAsync(partner);

        (await api.SendAsync(HttpMethod.Post, $"/api/v1/deliveries/{Guid.NewGuid()}/replay")).AssertProblem(404);
        (await api.SendAsync(HttpMethod.Post, $"/api/v1/deliveries/{deliveryId}/replay", client: scoped)).AssertProblem(403);
    }

    [Fact]
    public async Task Replay_failed_sends_again_the_alerts_failed_deliveries_created_since_the_time_given()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Script(new LoopbackReceiver.Reply(400), new LoopbackReceiver.Reply(400), new LoopbackReceiver.Reply(400));
        var alertId = await api.CreateAlertAsync(receiver);
        var before = await api.FireAcceptedAsync(alertId);
        await api.WaitForStatusAsync(before, DeliveryStatus.Failed);
        var sinceUtc = (await api.Host.Service<DeliveryService>().GetAsync(before))!.CreatedAtUtc.AddTicks(1);
        var first = await api.FireAcceptedAsync(alertId);
        await api.WaitForStatusAsync(first, DeliveryStatus.Failed);
        var second = await api.FireAcceptedAsync(alertId);
        await api.WaitForStatusAsync(second, DeliveryStatus.Failed);
        var delivered = await api.FireAcceptedAsync(alertId);
        await api.WaitForStatusAsync(delivered, DeliveryStatus.Delivered);

        var replayed = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{alertId}/replay-failed",
            new { since = DateTime.SpecifyKind(sinceUtc, DateTimeKind.Utc).ToString("O") });

        replayed.AssertHolds(202);
        Assert.Equal(new[] { first, second }.Order(),
            replayed.Json["delivery_ids"]!.AsArray().Select(id => Guid.Parse(id!.ToString())).Order());
        await api.WaitForStatusAsync(first, DeliveryStatus.Delivered);
        await api.WaitForStatusAsync(second, DeliveryStatus.Delivered);
        Assert.Equal(DeliveryStatus.Failed, (await api.Host.Service<DeliveryService>().GetAsync(before))!.Status);
    }

    [Fact]
    public async Task Replay_failed_needs_since_a_known_alert_and_one_in_scope()
    {
        var (partner, _) = await api.CreateSubtreeAsync();
        var alertId = await api.CreateAlertAsync();
        using var scoped = await api.ClientScopedToAsync(partner);
        var since = new { since = "2026-01-01T00:00:00Z" };

        var missing = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{alertId}/replay-failed", new { });
        var unknown = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{int.MaxValue}/replay-failed", since);
        var outside = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{alertId}/replay-failed", since, client: scoped);
        var nothing = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{alertId}/replay-failed", since);

        missing.AssertProblem(400);
        Assert.NotEmpty(missing.ErrorsOf("since"));
        unknown.AssertProblem(404);
        outside.AssertProblem(403);
        nothing.AssertHolds(202);
        Assert.Empty(nothing.Json["delivery_ids"]!.AsArray());
    }

    [Fact]
    public async Task Replay_failed_reads_a_since_without_an_offset_as_UTC_as_the_list_reads_from()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Script(new LoopbackReceiver.Reply(400));
        var alertId = await api.CreateAlertAsync(receiver);
        var failed = await api.FireAcceptedAsync(alertId);
        await api.WaitForStatusAsync(failed, DeliveryStatus.Failed);
        var createdUtc = (await api.Host.Service<DeliveryService>().GetAsync(failed))!.CreatedAtUtc;
        // Half an hour after the failure, written without an offset: UTC, whatever the server's zone (run with TZ set
        // east of UTC, the old reading took it for the server's time, before the failure, and replayed it).
        var after = createdUtc.AddMinutes(30).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

        var listed = await api.SendAsync(HttpMethod.Get, $"/api/v1/deliveries?alert_id={alertId}&from={after}");
        var replayed = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{alertId}/replay-failed", new { since = after });
        var notATime = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{alertId}/replay-failed", new { since = "yesterday" });

        Assert.Empty(listed.Json["items"]!.AsArray());
        replayed.AssertHolds(202);
        Assert.Empty(replayed.Json["delivery_ids"]!.AsArray());
        notATime.AssertProblem(400);
    }
}
