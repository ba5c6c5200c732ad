using System.Text.Json;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class DeliveryIdempotencyTests : IAsyncLifetime
{
    /// <summary>Holds fires just before their insert, after their look-ups: armed by the tests of races.</summary>
    private readonly SaveGate<WebhookDelivery> gate = new() { Armed = false };
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync(gate.Register);

    public async Task DisposeAsync() => await bed.DisposeAsync();

    private async Task<int> CountAsync()
    {
        await using var db = await bed.Database.CreateDbContextAsync();
        return await db.Deliveries.CountAsync();
    }

    [Fact]
    public async Task The_same_key_for_the_same_alert_answers_the_same_delivery_and_sends_once()
    {
        var alert = await bed.AlertAsync();
        var first = await bed.FireAsync(alert, "order-42");

        Assert.Equal(first, await bed.FireAsync(alert, "order-42"));
        await bed.SendDueAsync();
        Assert.Equal(first, await bed.FireAsync(alert, "order-42")); // still, once delivered

        Assert.Equal(1, await CountAsync());
        Assert.Single(bed.Receiver.Requests);
        Assert.Equal(0, await bed.SendDueAsync());
    }

    [Fact]
    public async Task Another_key_or_another_alert_or_no_key_is_another_delivery()
    {
        var alert = await bed.AlertAsync();
        var other = await bed.AlertAsync("hooks/other", name: "Other");

        var ids = new[]
        {
            await bed.FireAsync(alert, "order-42"), await bed.FireAsync(other, "order-42"), await bed.FireAsync(alert, "order-43"),
            await bed.FireAsync(alert), await bed.FireAsync(alert),
        };

        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal(5, await bed.SendDueAsync());
        Assert.Equal(5, bed.Receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct().Count());
    }

    [Fact]
    public async Task Fires_with_one_key_at_once_make_one_delivery()
    {
        var alert = await bed.AlertAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => bed.Database.Deliveries.FireAsync(alert, null, "burst"))));

        Assert.All(results, r => Assert.Equal(DeliveryCommandStatus.Accepted, r.Status));
        Assert.Single(results.SelectMany(r => r.DeliveryIds).Distinct());
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task Fires_at_once_each_get_their_own_answer()
    {
        var alert = await bed.AlertAsync();
        var other = await bed.AlertAsync("hooks/other", name: "Other");
        var off = (await bed.Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: null))).Id;
        var calls = new (int Alert, string? Key, DeliveryCommandStatus Expected)[]
        {
            (alert, null, DeliveryCommandStatus.Accepted), (other, null, DeliveryCommandStatus.Accepted),
            (alert, "k-1", DeliveryCommandStatus.Accepted), (other, "k-1", DeliveryCommandStatus.Accepted),
            (off, null, DeliveryCommandStatus.Conflict), (alert + 1000, null, DeliveryCommandStatus.NotFound),
        };

        // 60 at once: they share commits, and each still gets the answer it would have got alone.
        var fired = calls.SelectMany(c => Enumerable.Repeat(c, 10)).ToList();
        var results = await Task.WhenAll(fired.Select(c => Task.Run(() => bed.Database.Deliveries.FireAsync(c.Alert, null, c.Key))));

        Assert.Equal(fired.Select(c => c.Expected), results.Select(r => r.Status));
        var ids = fired.Zip(results).Where(p => p.Second.Status == DeliveryCommandStatus.Accepted)
            .GroupBy(p => (p.First.Alert, p.First.Key), p => p.Second.DeliveryIds.Single()).ToDictionary(g => g.Key, g => g.Distinct().Count());
        Assert.Equal(10, ids[(alert, null)]);
        Assert.Equal(10, ids[(other, null)]);
        Assert.Equal(1, ids[(alert, "k-1")]);
        Assert.Equal(1, ids[(other, "k-1")]);
        Assert.Equal(22, await CountAsync());
        Assert.Equal(22, await bed.SendDueAsync() + await bed.SendDueAsync());
    }

    private const string OneWriterOnSqlite = "on SQLite a fire takes the write lock before its look-up, so no second fire looks up before the first commits";

    /// <summary>Another instance's DeliveryService on the same database: fires of one instance share its commits and never race.</summary>
    private DeliveryService SecondInstance() => ActivatorUtilities.CreateInstance<DeliveryService>(bed.Database.Services);

    [PostgresFact(OneWriterOnSqlite)]
    public async Task A_fire_that_loses_the_insert_to_one_with_the_same_key_answers_the_winners_delivery()
    {
        var alert = await bed.AlertAsync();
        gate.Armed = true;
        var fires = new[] { bed.Database.Deliveries, SecondInstance() }.Select(instance => Task.Run(() => instance.FireAsync(alert, null, "race"))).ToList();

        await gate.WaitForHeldAsync(2); // both looked the key up, found nothing, and are about to insert
        gate.Open();
        var results = await Task.WhenAll(fires);

        Assert.All(results, r => Assert.Equal(DeliveryCommandStatus.Accepted, r.Status));
        Assert.Single(results.SelectMany(r => r.DeliveryIds).Distinct());
        Assert.Equal(1, await CountAsync());
    }

    [PostgresFact(OneWriterOnSqlite)]
    public async Task An_event_fire_that_loses_the_insert_to_one_with_the_same_key_answers_the_winners_deliveries()
    {
        var url = bed.Receiver.Url("hooks/events");
        await bed.Database.Alerts.CreateAsync(AlertInputs.PlatformEvent("Deploy failed A", url));
        await bed.Database.Alerts.CreateAsync(AlertInputs.PlatformEvent("Deploy failed B", url));
        gate.Armed = true;
        var fires = Enumerable.Range(0, 2)
            .Select(_ => Task.Run(() => bed.Database.Deliveries.FireEventAsync("deployment.failed", HierarchyDefaults.DefaultWorkspaceId, null, "deploy-8")))
            .ToList();

        await gate.WaitForHeldAsync(2);
        gate.Open();
        var results = await Task.WhenAll(fires);

        Assert.All(results, r => Assert.Equal(DeliveryCommandStatus.Accepted, r.Status));
        Assert.Equal(2, results[0].DeliveryIds.Count);
        Assert.Equal(results[0].DeliveryIds, results[1].DeliveryIds);
        Assert.Equal(2, await CountAsync());
    }

    [PostgresFact(OneWriterOnSqlite)]
    public async Task A_fire_whose_alert_is_deleted_before_its_insert_is_not_found()
    {
        var alert = await bed.AlertAsync();
        gate.Armed = true;
        var fire = Task.Run(() => bed.Database.Deliveries.FireAsync(alert, null, null));
        await gate.WaitForHeldAsync(1);

        Assert.True(await bed.Database.Alerts.DeleteAsync(alert));
        gate.Open();

        Assert.Equal(DeliveryCommandStatus.NotFound, (await fire).Status);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task An_event_fires_each_enabled_platform_event_alert_of_the_workspace_once_per_key()
    {
        var url = bed.Receiver.Url("hooks/events");
        var onEvent = await bed.Database.Alerts.CreateAsync(AlertInputs.PlatformEvent("Deploy failed A", url));
        var alsoOnEvent = await bed.Database.Alerts.CreateAsync(AlertInputs.PlatformEvent("Deploy failed B", url));
        await bed.Database.Alerts.CreateAsync(AlertInputs.PlatformEvent("Deploy failed C", url: null)); // no webhook
        await bed.AlertAsync(); // not a Platform Event alert
        using var data = JsonDocument.Parse("""{"service":"checkout"}""");

        var fired = await bed.Database.Deliveries.FireEventAsync("deployment.failed", HierarchyDefaults.DefaultWorkspaceId, data.RootElement, "deploy-7");
        var again = await bed.Database.Deliveries.FireEventAsync("deployment.failed", HierarchyDefaults.DefaultWorkspaceId, data.RootElement, "deploy-7");

        Assert.Equal(DeliveryCommandStatus.Accepted, fired.Status);
        Assert.Equal(2, fired.DeliveryIds.Count);
        Assert.Equal(fired.DeliveryIds, again.DeliveryIds);
        Assert.Equal(2, await CountAsync());
        Assert.Equal(2, await bed.SendDueAsync());
        var bodies = bed.Receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(new[] { onEvent.Id, alsoOnEvent.Id }.Order(), bodies.Select(b => b.GetProperty("alert_id").GetInt32()).Order());
        Assert.All(bodies, b => Assert.Equal("checkout", b.GetProperty("data").GetProperty("service").GetString()));
        Assert.All(bodies, b => Assert.Equal("deployment.failed", b.GetProperty("event").GetString()));
    }

    [Fact]
    public async Task An_alert_without_a_webhook_refuses_a_fire()
    {
        var created = await bed.Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: null));

        var fire = await bed.Database.Deliveries.FireAsync(created.Id, null, null);

        Assert.Equal(DeliveryCommandStatus.Conflict, fire.Status);
        Assert.False(string.IsNullOrEmpty(fire.Reason));
        Assert.Equal(0, await CountAsync());
        Assert.Equal(DeliveryCommandStatus.NotFound, (await bed.Database.Deliveries.FireAsync(created.Id + 100, null, null)).Status);
    }
}
