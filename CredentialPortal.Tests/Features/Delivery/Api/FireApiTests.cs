using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Credentials.Api;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Delivery.Api;

/// <summary>POST /api/v1/alerts/{alert_id}/fire: accepted once stored, sent by the worker, once per Idempotency-Key, refused with reasons.</summary>
public sealed class FireApiTests(DeliveryApiFixture api) : IClassFixture<DeliveryApiFixture>
{
    [Fact]
    public async Task A_fire_answers_202_with_the_stored_delivery_and_the_worker_sends_it_with_its_webhook_id()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        // The receiver holds its answer until the test has looked: the 202 came before the send finished.
        var release = new TaskCompletionSource();
        receiver.Script(new LoopbackReceiver.Reply(Until: release.Task));
        var alertId = await api.CreateAlertAsync(receiver);

        var fired = await api.FireAsync(alertId, new { host = "web-1", value = 97.5 });

        fired.AssertHolds(202);
        var deliveryId = Guid.Parse(fired["delivery_id"]!);
        Assert.Equal($"/api/v1/deliveries/{deliveryId}", fired.Location);
        var stored = await api.Host.Service<DeliveryService>().GetAsync(deliveryId);
        Assert.NotNull(stored);
        Assert.NotEqual(DeliveryStatus.Delivered, stored.Status);
        release.SetResult();

        var delivered = await api.WaitForStatusAsync(deliveryId, DeliveryStatus.Delivered);
        var request = Assert.Single(DeliveryApiFixture.RequestsOf(receiver, delivered));
        Assert.Equal("msg_" + deliveryId.ToString("N"), request.Headers["webhook-id"]);
        Assert.True(long.TryParse(request.Headers["webhook-timestamp"], out _));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(alertId, body["alert_id"]!.GetValue<int>());
        Assert.Equal("web-1", body["data"]!["host"]!.ToString());
        Assert.Equal(97.5, body["data"]!["value"]!.GetValue<double>());

        var seen = await api.GetDeliveryAsync(deliveryId);
        seen.AssertHolds(200);
        Assert.Equal("delivered", seen["status"]);
        Assert.Equal(200, seen.Json["attempts"]![0]!["status_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_fire_without_a_body_sends_null_data()
    {
        var alertId = await api.CreateAlertAsync();

        var fired = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{alertId}/fire");

        fired.AssertHolds(202);
        var delivered = await api.WaitForStatusAsync(Guid.Parse(fired["delivery_id"]!), DeliveryStatus.Delivered);
        var body = JsonNode.Parse(Assert.Single(DeliveryApiFixture.RequestsOf(api.Receiver, delivered)).Body)!;
        Assert.True(body.AsObject().ContainsKey("data"));
        Assert.Null(body["data"]);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_answers_the_same_delivery_and_it_is_sent_once()
    {
        var alertId = await api.CreateAlertAsync();

        var first = await api.FireAsync(alertId, new { n = 1 }, idempotencyKey: "incident-42");
        var again = await api.FireAsync(alertId, new { n = 2 }, idempotencyKey: "incident-42");
        var other = await api.FireAsync(alertId, new { n = 3 }, idempotencyKey: "incident-43");

        first.AssertHolds(202);
        again.AssertHolds(202);
        Assert.Equal(first["delivery_id"], again["delivery_id"]);
        Assert.NotEqual(first["delivery_id"], other["delivery_id"]);
        var delivered = await api.WaitForStatusAsync(Guid.Parse(first["delivery_id"]!), DeliveryStatus.Delivered);
        await api.WaitForStatusAsync(Guid.Parse(other["delivery_id"]!), DeliveryStatus.Delivered);
        var sent = Assert.Single(DeliveryApiFixture.RequestsOf(api.Receiver, delivered));
        Assert.Equal(1, JsonNode.Parse(sent.Body)!["data"]!["n"]!.GetValue<int>());
        var log = await api.SendAsync(HttpMethod.Get, $"/api/v1/deliveries?alert_id={alertId}");
        Assert.Equal(2, log.Json["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_repeated_key_answers_the_first_delivery_even_once_the_webhook_is_off_and_a_new_key_is_refused()
    {
        var alertId = await api.CreateAlertAsync();
        var first = await api.FireAsync(alertId, new { n = 1 }, idempotencyKey: "incident-7");
        var alerts = api.Host.Service<CredentialPortal.Features.Alerts.AlertService>();
        var (input, _) = (await alerts.GetForEditAsync(alertId))!.Value;
        input.WebhookEnabled = false;
        Assert.Equal(CredentialPortal.Features.Shared.SaveStatus.Saved, (await alerts.UpdateAsync(alertId, input)).Status);

        // The client lost the first answer and repeats the fire: it learns its delivery, not that the fire was refused.
        var again = await api.FireAsync(alertId, new { n = 1 }, idempotencyKey: "incident-7");
        var fresh = await api.FireAsync(alertId, new { n = 2 }, idempotencyKey: "incident-8");

        first.AssertHolds(202);
        again.AssertHolds(202);
        Assert.Equal(first["delivery_id"], again["delivery_id"]);
        fresh.AssertProblem(409);
    }

    [Fact]
    public async Task An_Idempotency_Key_over_the_length_limit_is_a_400_naming_the_header()
    {
        var alertId = await api.CreateAlertAsync();

        var fired = await api.FireAsync(alertId, idempotencyKey: new string('k', DeliveryService.IdempotencyKeyMaxLength + 1));

        fired.AssertProblem(400);
        Assert.NotEmpty(fired.ErrorsOf("Idempotency-Key"));
        Assert.Empty(await ListAsync(alertId));
    }

    [Fact]
    public async Task An_unknown_alert_is_a_404()
    {
        var fired = await api.FireAsync(int.MaxValue);

        fired.AssertProblem(404);
        Assert.Contains("No alert", fired["detail"]);
    }

    [Fact]
    public async Task An_alert_without_a_webhook_is_a_409_that_says_why()
    {
        var alertId = await api.CreateAlertAsync(webhook: false);

        var fired = await api.FireAsync(alertId);

        fired.AssertProblem(409);
        Assert.Contains("no webhook", fired["detail"]);
        Assert.Empty(await ListAsync(alertId));
    }

    [Fact]
    public async Task After_its_receiver_answered_410_Gone_the_alert_is_a_409_that_says_so()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Script(new LoopbackReceiver.Reply(410));
        var alertId = await api.CreateAlertAsync(receiver);
        await api.WaitForStatusAsync(await api.FireAcceptedAsync(alertId), DeliveryStatus.Failed);

        var fired = await api.FireAsync(alertId);

        fired.AssertProblem(409);
        Assert.Contains("410 Gone", fired["detail"]);
        Assert.Single(await ListAsync(alertId));
    }

    [Theory]
    [InlineData("""{"host": "web-1" """, "Path: $")]
    [InlineData("<alert/>", "'<' is an invalid start of a value")]
    public async Task Malformed_JSON_is_a_400_problem_and_nothing_is_stored(string body, string named)
    {
        var alertId = await api.CreateAlertAsync();

        var fired = await api.FireAsync(alertId, new StringContent(body, Encoding.UTF8, "application/json"));

        fired.AssertProblem(400);
        Assert.Contains(named, fired["detail"]);
        Assert.Empty(await ListAsync(alertId));
    }

    [Fact]
    public async Task A_token_fires_alerts_of_workspaces_in_its_scope_and_gets_403_elsewhere()
    {
        var (partner, workspace) = await api.CreateSubtreeAsync();
        var inside = await api.CreateAlertAsync(workspaceId: workspace);
        var outside = await api.CreateAlertAsync(workspaceId: HierarchyDefaults.DefaultWorkspaceId);
        using var scoped = await api.ClientScopedToAsync(partner);

        var allowed = await api.FireAsync(inside, client: scoped);
        var refused = await api.FireAsync(outside, client: scoped);

        allowed.AssertHolds(202);
        refused.AssertProblem(403);
        Assert.Empty(await ListAsync(outside));
    }

    [Fact]
    public async Task A_fire_without_a_token_is_a_401()
    {
        var alertId = await api.CreateAlertAsync();
        using var anonymous = api.Host.CreateApiClient(null);

        var fired = await api.FireAsync(alertId, client: anonymous);

        Assert.Equal(401, fired.Status);
        Assert.Empty(await ListAsync(alertId));
    }

    private async Task<IReadOnlyList<DeliveryView>> ListAsync(int alertId) =>
        (await api.Host.Service<DeliveryService>().ListAsync(new DeliveryQuery(AlertId: alertId))).Items;
}
