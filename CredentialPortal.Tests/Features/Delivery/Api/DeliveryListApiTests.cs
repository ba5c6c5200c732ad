using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Credentials.Api;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Delivery.Api;

/// <summary>GET /api/v1/deliveries: newest first, keyset pages, filters, and the scope rule for tokens below the platform.</summary>
public sealed class DeliveryListApiTests(DeliveryApiFixture api) : IClassFixture<DeliveryApiFixture>
{
    [Fact]
    public async Task An_alerts_log_reads_newest_first_a_page_at_a_time_to_the_end()
    {
        var alertId = await api.CreateAlertAsync();
        var fired = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            fired.Add((await api.FireAcceptedAsync(alertId, new { i })).ToString());
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await api.SendAsync(HttpMethod.Get, $"/api/v1/deliveries?alert_id={alertId}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            page.AssertHolds(200);
            var items = page.Json["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 2);
            Assert.All(items, item => Assert.Null(item!["attempts"]));
            Assert.All(items, item => Assert.Null(item!["body"]));
            seen.AddRange(items.Select(item => item!["delivery_id"]!.ToString()));
            cursor = page["next_cursor"];
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        fired.Reverse();
        Assert.Equal(fired, seen);
    }

    [Fact]
    public async Task Status_and_time_filter_the_log()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Script(new LoopbackReceiver.Reply(400));
        var alertId = await api.CreateAlertAsync(receiver);
        var failed = await api.FireAcceptedAsync(alertId);
        await api.WaitForStatusAsync(failed, DeliveryStatus.Failed);
        var delivered = await api.FireAcceptedAsync(alertId);
        await api.WaitForStatusAsync(delivered, DeliveryStatus.Delivered);
        var createdFailed = (await api.Host.Service<DeliveryService>().GetAsync(failed))!.CreatedAtUtc;
        var createdDelivered = (await api.Host.Service<DeliveryService>().GetAsync(delivered))!.CreatedAtUtc;

        var onlyFailed = await api.SendAsync(HttpMethod.Get, $"/api/v1/deliveries?alert_id={alertId}&status=failed");
        var fromSecond = await api.SendAsync(HttpMethod.Get,
            $"/api/v1/deliveries?alert_id={alertId}&from={Iso(createdDelivered)}");
        var beforeSecond = await api.SendAsync(HttpMethod.Get,
            $"/api/v1/deliveries?alert_id={alertId}&from={Iso(createdFailed)}&to={Iso(createdDelivered)}");

        Assert.True(createdDelivered > createdFailed);
        Assert.Equal(failed.ToString(), Assert.Single(Ids(onlyFailed)));
        Assert.Equal("failed", onlyFailed.Json["items"]![0]!["status"]!.ToString());
        Assert.Equal(400, onlyFailed.Json["items"]![0]!["status_code"]!.GetValue<int>());
        Assert.Equal(delivered.ToString(), Assert.Single(Ids(fromSecond)));
        Assert.Equal(failed.ToString(), Assert.Single(Ids(beforeSecond)));
    }

    [Theory]
    [InlineData("status=lost", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("cursor=-5", "cursor")]
    public async Task A_bad_filter_is_a_400_naming_it(string query, string field)
    {
        var answer = await api.SendAsync(HttpMethod.Get, "/api/v1/deliveries?" + query);

        answer.AssertProblem(400);
        Assert.NotEmpty(answer.ErrorsOf(field));
    }

    [Fact]
    public async Task An_unknown_alert_is_a_404()
    {
        var answer = await api.SendAsync(HttpMethod.Get, $"/api/v1/deliveries?alert_id={int.MaxValue}");

        answer.AssertProblem(404);
    }

    [Fact]
    public async Task A_token_below_the_platform_lists_one_alert_of_its_scope_at_a_time()
    {
        var (partner, workspace) = await api.CreateSubtreeAsync();
        var inside = await api.CreateAlertAsync(workspaceId: workspace);
        var delivery = await api.FireAcceptedAsync(inside);
        var outside = await api.CreateAlertAsync();
        using var scoped = await api.ClientScopedToAsync(partner);

        var mine = await api.SendAsync(HttpMethod.Get, $"/api/v1/deliveries?alert_id={inside}", client: scoped);
        var others = await api.SendAsync(HttpMethod.Get, $"/api/v1/deliveries?alert_id={outside}", client: scoped);
        var all = await api.SendAsync(HttpMethod.Get, "/api/v1/deliveries", client: scoped);

        Assert.Equal(delivery.ToString(), Assert.Single(Ids(mine)));
        others.AssertProblem(403);
        all.AssertProblem(400);
        Assert.NotEmpty(all.ErrorsOf("alert_id"));
    }

    [Fact]
    public async Task A_platform_token_lists_every_alerts_deliveries()
    {
        var first = await api.FireAcceptedAsync(await api.CreateAlertAsync());
        var second = await api.FireAcceptedAsync(await api.CreateAlertAsync());

        var all = await api.SendAsync(HttpMethod.Get, "/api/v1/deliveries?limit=200");

        all.AssertHolds(200);
        var ids = Ids(all);
        Assert.True(ids.IndexOf(second.ToString()) < ids.IndexOf(first.ToString()), "newest first");
        Assert.Contains(first.ToString(), ids);
    }

    private static List<string> Ids(ApiAnswer answer)
    {
        answer.AssertHolds(200);
        return answer.Json["items"]!.AsArray().Select(item => item!["delivery_id"]!.ToString()).ToList();
    }

    private static string Iso(DateTime utc) => Uri.EscapeDataString(DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("O"));
}
