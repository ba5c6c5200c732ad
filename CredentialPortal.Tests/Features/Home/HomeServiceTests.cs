using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Home;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Home;

/// <summary>The Home page's figures, read from a real SQLite file the app's own services wrote.</summary>
public class HomeServiceTests
{
    private static readonly Uri Hook = new("https://hooks.example.test/alert");

    [Fact]
    public async Task An_empty_portal_has_nothing_to_show()
    {
        await using var database = await PortalTestDatabase.CreateAsync();

        var figures = await database.Services.GetRequiredService<HomeService>().LoadAsync();

        Assert.Equal(0, figures.Credentials);
        Assert.Equal(0, figures.PlatformEvents);
        Assert.Equal(0, figures.RuntimeAlerts);
        Assert.Empty(figures.RecentDeliveries);
        Assert.Empty(figures.RecentFailures);
        Assert.Empty(figures.AlertsWithoutCredential);
    }

    [Fact]
    public async Task Counts_recent_deliveries_failures_and_alerts_left_with_No_Auth_link_to_their_overviews()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var kept = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Kept"))).Id;
        var goner = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Goner"))).Id;
        var cpu = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU high", Hook, goner))).Id;
        var latency = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Latency", Hook, kept))).Id;
        var deploy = (await database.Alerts.CreateAsync(AlertInputs.PlatformEvent("Deploy failed", Hook, goner))).Id;
        // Never had a credential: plain No Auth is a choice, not something to flag.
        await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Disk full", Hook));

        // Seven finished deliveries in the delivery table, oldest first; the 2nd and the 6th failed.
        var sent = new[] { (cpu, true), (latency, false), (deploy, true), (cpu, true), (latency, true), (deploy, false), (cpu, true) };
        var start = database.Clock.GetUtcNow().UtcDateTime;
        await using (var db = await database.CreateDbContextAsync())
        {
            for (var i = 0; i < sent.Length; i++)
            {
                db.Deliveries.Add(Delivery(sent[i].Item1, sent[i].Item2, start.AddMinutes(i)));
                await db.SaveChangesAsync(); // one at a time: ids in the order sent
            }
        }

        database.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await database.Credentials.DeleteAsync(goner));

        var figures = await database.Services.GetRequiredService<HomeService>().LoadAsync();

        Assert.Equal(1, figures.Credentials);
        Assert.Equal(1, figures.PlatformEvents);
        Assert.Equal(3, figures.RuntimeAlerts);

        // The five newest, newest first, each pointing at its alert's overview.
        Assert.Equal(
            [("CPU high", true), ("Deploy failed", false), ("Latency", true), ("CPU high", true), ("Deploy failed", true)],
            figures.RecentDeliveries.Select(d => (d.AlertName, d.Status == DeliveryStatus.Delivered)));
        Assert.Equal($"flexible-actions/runtime-alerts/{cpu}", figures.RecentDeliveries[0].Href);
        Assert.Equal($"flexible-actions/platform-events/{deploy}", figures.RecentDeliveries[1].Href);
        Assert.Equal(503, figures.RecentDeliveries[1].StatusCode);

        Assert.Equal(["Deploy failed", "Latency"], figures.RecentFailures.Select(d => d.AlertName));
        Assert.All(figures.RecentFailures, d => Assert.Equal(DeliveryStatus.Failed, d.Status));

        // The deletion left both of the credential's alerts with No Auth, and says which credential it was.
        Assert.Equal(["CPU high", "Deploy failed"], figures.AlertsWithoutCredential.Select(a => a.Name));
        Assert.All(figures.AlertsWithoutCredential, a => Assert.Equal("Goner", a.RemovedCredentialName));
        Assert.All(figures.AlertsWithoutCredential, a => Assert.Equal(start.AddHours(1), a.RemovedAtUtc));
        Assert.Equal(
            [$"flexible-actions/runtime-alerts/{cpu}", $"flexible-actions/platform-events/{deploy}"],
            figures.AlertsWithoutCredential.Select(a => a.Href));
    }

    [Fact]
    public async Task An_alert_given_a_credential_again_is_no_longer_flagged()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var goner = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Goner"))).Id;
        var replacement = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Replacement"))).Id;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU high", Hook, goner))).Id;
        await database.Credentials.DeleteAsync(goner);
        var home = database.Services.GetRequiredService<HomeService>();
        Assert.Single((await home.LoadAsync()).AlertsWithoutCredential);

        var (edit, _) = (await database.Alerts.GetForEditAsync(alert))!.Value;
        edit.CredentialId = replacement;
        Assert.True((await database.Alerts.UpdateAsync(alert, edit)).Succeeded);

        Assert.Empty((await home.LoadAsync()).AlertsWithoutCredential);
    }

    private static WebhookDelivery Delivery(int alertId, bool delivered, DateTime at) => new()
    {
        AlertId = alertId,
        Body = "{}",
        CreatedAtUtc = at,
        DueAtUtc = at,
        Status = delivered ? DeliveryStatus.Delivered : DeliveryStatus.Failed,
        StatusCode = delivered ? 200 : 503,
        AttemptCount = 1,
        LastAttemptAtUtc = at,
        CompletedAtUtc = at,
        Error = delivered ? null : "HTTP 503",
        Attempts =
        [
            new DeliveryAttempt
            {
                AttemptedAtUtc = at,
                DurationMs = 12,
                StatusCode = delivered ? 200 : 503,
                Error = delivered ? null : "HTTP 503",
                Method = "POST",
                Url = Hook.ToString(),
                Headers = "content-type",
            },
        ],
    };

    [Fact]
    public async Task An_alert_whose_webhook_is_off_is_not_listed_as_sending_without_a_credential()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var goner = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Goner"))).Id;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU high", Hook, goner))).Id;
        await database.Credentials.DeleteAsync(goner);
        var home = database.Services.GetRequiredService<HomeService>();
        Assert.Single((await home.LoadAsync()).AlertsWithoutCredential);

        var (edit, _) = (await database.Alerts.GetForEditAsync(alert))!.Value;
        edit.WebhookEnabled = false;
        Assert.True((await database.Alerts.UpdateAsync(alert, edit)).Succeeded);

        Assert.Empty((await home.LoadAsync()).AlertsWithoutCredential); // it sends nothing at all
    }
}
