using System.Collections.Concurrent;
using System.Diagnostics;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.Tests.Features.Delivery;
using Xunit.Abstractions;

namespace CredentialPortal.E2E.Deployment;

/// <summary>Both instances deliver from one queue: every fire arrives, none twice.</summary>
[Collection(PortalCollection.Name)]
public sealed class DeliveryAcrossInstancesTests(ITestOutputHelper output)
{
    private const int Fires = 2000;

    [DeploymentFact]
    public async Task Fires_spread_over_two_instances_are_each_delivered_once()
    {
        await using var receiver = await WebhookIdReceiver.StartAsync();
        await using var deployment = await Deployment.StartAsync();
        var alertId = await Burst.ArrangeAlertAsync(deployment, deployment.A, receiver.Url);
        var accepted = new ConcurrentDictionary<Guid, string>();
        var clock = Stopwatch.StartNew();

        await Burst.FireAsync(alertId, Fires, n => deployment.Instances[n % 2], accepted);
        var firedIn = clock.Elapsed;
        Assert.Equal(Fires, accepted.Count);
        var webhookIds = Burst.WebhookIds(accepted.Keys);
        try
        {
            await receiver.AllAcknowledgedAsync(webhookIds).WaitAsync(PortalInstance.Patience);
        }
        catch (TimeoutException)
        {
            var missing = receiver.Missing(webhookIds);
            Assert.Fail($"{missing.Count} accepted deliveries never arrived, e.g. {string.Join(", ", missing.Take(5))}.\n{deployment.Logs}");
        }
        output.WriteLine($"{Fires} fires accepted in {firedIn.TotalSeconds:F1} s ({accepted.Values.Count(v => v == "A")} by A), " +
                         $"all delivered in {clock.Elapsed.TotalSeconds:F1} s; {receiver.Received} requests received.");

        Assert.Equal(0, receiver.Mismatched);
        Assert.DoesNotContain(webhookIds, id => receiver.AcknowledgedCount(id) != 1);
        Assert.Equal(Fires, receiver.Received);
        Assert.False(deployment.A.HasExited || deployment.B.HasExited, deployment.Logs);
    }
}
