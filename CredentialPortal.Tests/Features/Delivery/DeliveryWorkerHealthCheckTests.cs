using System.Net;
using System.Text.Json;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class DeliveryWorkerHealthCheckTests
{
    private static async Task<HealthReportEntry> CheckAsync(DeliveryTestBed bed)
    {
        var report = await bed.Database.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Name == DeliveryWorkerHealthCheck.Name);
        return Assert.Single(report.Entries).Value;
    }

    private static Task<DeliveryTestBed> RunningAsync() =>
        DeliveryTestBed.StartAsync(s => s.Configure<WebhookOptions>(o => o.WorkerEnabled = true));

    [Fact]
    public async Task A_worker_off_by_configuration_is_healthy_and_says_so()
    {
        await using var bed = await DeliveryTestBed.StartAsync(); // Webhooks:WorkerEnabled = false
        await bed.Database.Worker.StartAsync(CancellationToken.None);

        var entry = await CheckAsync(bed);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("Webhooks:WorkerEnabled", entry.Description);
        await bed.Database.Worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_worker_is_healthy_while_it_runs_and_unhealthy_before_it_starts_and_once_it_stopped()
    {
        await using var bed = await RunningAsync();
        var worker = bed.Database.Worker;

        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(bed)).Status);
        await worker.StartAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(bed)).Status);
        await worker.StopAsync(CancellationToken.None);

        var stopped = await CheckAsync(bed);
        Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
        Assert.Contains("stopped", stopped.Description);
    }

    [Fact]
    public async Task A_worker_whose_claims_fail_for_several_polls_is_unhealthy_until_one_succeeds()
    {
        await using var bed = await RunningAsync();
        using var receiver = new HeldReceiver();
        var alert = (await bed.Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url))).Id;
        // The delivery table is out of reach: every claim fails (as with a database that is down).
        await RenameDeliveriesAsync(bed, "Deliveries", "DeliveriesAway");
        var worker = bed.Database.Worker;
        await worker.StartAsync(CancellationToken.None);
        var staleAfter = DeliveryWorkerHealthCheck.StaleAfter(new WebhookOptions());

        bed.Database.Clock.Advance(staleAfter); // polls go by, their claims fail
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(bed)).Status); // not yet more than the limit
        bed.Database.Clock.Advance(TimeSpan.FromSeconds(1));
        var stuck = await CheckAsync(bed);
        Assert.Equal(HealthStatus.Unhealthy, stuck.Status);
        Assert.Contains("database", stuck.Description);

        await RenameDeliveriesAsync(bed, "DeliveriesAway", "Deliveries");
        await bed.FireAsync(alert); // wakes the worker: its claim succeeds and it sends
        using (var request = await receiver.NextAsync())
        {
            Assert.Equal(HealthStatus.Healthy, (await CheckAsync(bed)).Status);
            await request.AnswerAsync(200);
        }
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Health_reports_the_delivery_worker_beside_the_database()
    {
        await using var host = new ApiHost();
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var checks = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal("Healthy", checks[DeliveryWorkerHealthCheck.Name]);
    }

    private static async Task RenameDeliveriesAsync(DeliveryTestBed bed, string from, string to)
    {
        await using var db = await bed.Database.CreateDbContextAsync();
#pragma warning disable EF1002 // two fixed table names, no input
        await db.Database.ExecuteSqlRawAsync($"ALTER TABLE \"{from}\" RENAME TO \"{to}\"");
#pragma warning restore EF1002
    }
}
