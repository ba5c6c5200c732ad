using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>Send test reports each attempt as it goes out, with the attempts and timeout the Webhooks settings give.</summary>
public sealed class WebhookSenderProgressTests
{
    private static async Task<(DeliveryOutcome Outcome, List<DeliveryProgress> Heard)> SendAsync(Action<WebhookOptions>? settings,
        params LoopbackReceiver.Reply[] replies)
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Script(replies);
        // Real time: the retry back-off and each attempt's timeout wait on the TimeProvider.
        await using var database = await PortalTestDatabase.CreateAsync(services =>
        {
            services.AddSingleton(TimeProvider.System);
            if (settings is not null)
            {
                services.Configure(settings);
            }
        });
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/progress")))).Id;
        var reports = new ProgressRecorder<DeliveryProgress>();

        var outcome = (await database.Sender.SendTestAsync(alert, reports))!;
        await outcome.Logged;
        return (outcome, reports.Heard);
    }

    [Fact]
    public async Task Each_attempt_is_reported_as_it_goes_out_with_the_configured_limits()
    {
        var (outcome, heard) = await SendAsync(null, new(503), new(503), new(200));

        Assert.Equal((true, 3), (outcome.Delivered, outcome.Attempts));
        Assert.Equal([new(1, 3, TimeSpan.FromSeconds(5)), new(2, 3, TimeSpan.FromSeconds(5)), new(3, 3, TimeSpan.FromSeconds(5))], heard);
    }

    [Fact]
    public async Task The_number_of_attempts_comes_from_the_settings()
    {
        var (outcome, heard) = await SendAsync(o => { o.MaxAttempts = 2; o.TimeoutSeconds = 7; }, new(503), new(503), new(200));

        Assert.Equal((false, 503, 2), (outcome.Delivered, outcome.StatusCode, outcome.Attempts));
        Assert.Equal([new(1, 2, TimeSpan.FromSeconds(7)), new(2, 2, TimeSpan.FromSeconds(7))], heard);
    }

    [Fact]
    public async Task One_attempt_means_no_retry()
    {
        var (outcome, heard) = await SendAsync(o => o.MaxAttempts = 1, new(503), new(200));

        Assert.Equal((false, 1), (outcome.Delivered, outcome.Attempts));
        Assert.Equal([new(1, 1, TimeSpan.FromSeconds(5))], heard);
    }
}
