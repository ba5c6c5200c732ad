using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>A change of Webhooks:MaxAttempts while the portal runs applies to the retries made, not only to the text shown.</summary>
public sealed class WebhookRetrySettingsReloadTests
{
    [Fact]
    public async Task Reloaded_max_attempts_changes_the_retries_made()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Webhooks:MaxAttempts"] = "3" })
            .Build();
        await using var database = await PortalTestDatabase.CreateAsync(services =>
        {
            services.AddSingleton(TimeProvider.System);
            services.Configure<WebhookOptions>(settings.GetSection("Webhooks"));
        });
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/reload")))).Id;

        receiver.Script(new(503), new(503), new(503));
        var first = (await database.Sender.SendTestAsync(alert, new ProgressRecorder<DeliveryProgress>()))!;
        await first.Logged;
        Assert.Equal((false, 3), (first.Delivered, first.Attempts));

        settings["Webhooks:MaxAttempts"] = "2";
        settings.Reload();

        receiver.Script(new(503), new(503), new(200));
        var reports = new ProgressRecorder<DeliveryProgress>();
        var second = (await database.Sender.SendTestAsync(alert, reports))!;
        await second.Logged;
        Assert.Equal((false, 2), (second.Delivered, second.Attempts));
        Assert.All(reports.Heard, heard => Assert.Equal(2, heard.MaxAttempts));
    }
}
