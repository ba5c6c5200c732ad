using System.Text.Json.Nodes;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials.Api;

namespace CredentialPortal.Tests.Features.Delivery.Api;

/// <summary>POST /api/v1/events: every enabled Platform Event alert of the workspace on that event sends, one delivery each.</summary>
public sealed class EventApiTests(DeliveryApiFixture api) : IClassFixture<DeliveryApiFixture>
{
    private const string Route = "/api/v1/events";

    [Fact]
    public async Task An_event_fires_each_enabled_alert_on_it_in_the_workspace_and_no_other()
    {
        var (_, workspace) = await api.CreateSubtreeAsync();
        var (_, elsewhere) = await api.CreateSubtreeAsync();
        var first = await api.CreateAlertAsync(workspaceId: workspace, input: AlertInputs.PlatformEvent("Deploy failed A"));
        var second = await api.CreateAlertAsync(workspaceId: workspace, input: AlertInputs.PlatformEvent("Deploy failed B"));
        await api.CreateAlertAsync(webhook: false, workspaceId: workspace, input: AlertInputs.PlatformEvent("No webhook"));
        var otherEvent = AlertInputs.PlatformEvent("Quota");
        otherEvent.PlatformEvent = "quota.exceeded";
        await api.CreateAlertAsync(workspaceId: workspace, input: otherEvent);
        await api.CreateAlertAsync(workspaceId: elsewhere, input: AlertInputs.PlatformEvent("Other workspace"));
        await api.CreateAlertAsync(workspaceId: workspace); // a Runtime Alert

        var fired = await api.SendAsync(HttpMethod.Post, Route,
            new { @event = "deployment.failed", workspace_id = workspace, data = new { build = 812 } });

        fired.AssertHolds(202);
        var ids = fired.Json["delivery_ids"]!.AsArray().Select(id => Guid.Parse(id!.ToString())).ToList();
        Assert.Equal(2, ids.Count);
        var delivered = new List<DeliveryView>();
        foreach (var id in ids)
        {
            delivered.Add(await api.WaitForStatusAsync(id, DeliveryStatus.Delivered));
        }
        Assert.Equal(new[] { first, second }, delivered.Select(d => d.AlertId).Order());
        foreach (var delivery in delivered)
        {
            var body = JsonNode.Parse(Assert.Single(DeliveryApiFixture.RequestsOf(api.Receiver, delivery)).Body)!;
            Assert.Equal("deployment.failed", body["event"]!.ToString());
            Assert.Equal(812, body["data"]!["build"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task An_event_no_alert_listens_to_answers_an_empty_list()
    {
        var (_, workspace) = await api.CreateSubtreeAsync();

        var fired = await api.SendAsync(HttpMethod.Post, Route, new { @event = "backup.failed", workspace_id = workspace });

        fired.AssertHolds(202);
        Assert.Empty(fired.Json["delivery_ids"]!.AsArray());
    }

    [Theory]
    [InlineData("disk.full")]
    [InlineData(null)]
    public async Task An_unknown_or_missing_event_is_a_400_naming_the_field(string? eventKey)
    {
        var fired = await api.SendAsync(HttpMethod.Post, Route, new { @event = eventKey, workspace_id = HierarchyDefaults.DefaultWorkspaceId });

        fired.AssertProblem(400);
        Assert.Contains("deployment.failed", Assert.Single(fired.ErrorsOf("event")));
    }

    [Fact]
    public async Task A_missing_workspace_id_is_a_400_naming_the_field()
    {
        var fired = await api.SendAsync(HttpMethod.Post, Route, new { @event = "deployment.failed" });

        fired.AssertProblem(400);
        Assert.NotEmpty(fired.ErrorsOf("workspace_id"));
    }

    [Fact]
    public async Task An_unknown_workspace_is_a_404()
    {
        var fired = await api.SendAsync(HttpMethod.Post, Route, new { @event = "deployment.failed", workspace_id = Guid.NewGuid() });

        fired.AssertProblem(404);
    }

    [Fact]
    public async Task A_token_fires_events_of_workspaces_in_its_scope_and_gets_403_elsewhere()
    {
        var (partner, workspace) = await api.CreateSubtreeAsync();
        var (_, elsewhere) = await api.CreateSubtreeAsync();
        var outside = await api.CreateAlertAsync(workspaceId: elsewhere, input: AlertInputs.PlatformEvent("Outside"));
        using var scoped = await api.ClientScopedToAsync(partner);

        var allowed = await api.SendAsync(HttpMethod.Post, Route, new { @event = "deployment.failed", workspace_id = workspace }, client: scoped);
        var refused = await api.SendAsync(HttpMethod.Post, Route, new { @event = "deployment.failed", workspace_id = elsewhere }, client: scoped);
        var unknown = await api.SendAsync(HttpMethod.Post, Route, new { @event = "deployment.failed", workspace_id = Guid.NewGuid() }, client: scoped);

        allowed.AssertHolds(202);
        refused.AssertProblem(403);
        unknown.AssertProblem(403); // a scoped token learns nothing about ids outside its subtree
        Assert.Empty((await api.Host.Service<DeliveryService>().ListAsync(new DeliveryQuery(AlertId: outside))).Items);
    }
}
