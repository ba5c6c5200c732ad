using System.Collections.Concurrent;
using System.Diagnostics;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.Tests.Features.Delivery;
using Xunit.Abstractions;

namespace CredentialPortal.E2E.Deployment;

/// <summary>One instance killed with SIGKILL mid-burst: the other takes over its deliveries when their lease ends.</summary>
[Collection(PortalCollection.Name)]
public sealed class InstanceKilledTests(ITestOutputHelper output)
{
    private const int Fires = 1000;
    private const int KillAfterAccepted = 300;

    /// <summary>
    /// The shortest lease these timeouts allow (19 s): an attempt held by the receiver stays in flight at A until the kill
    /// (which comes within seconds of the first request), the lease outlasts it and a token request twice over, and B takes
    /// A's deliveries over when it ends.
    /// </summary>
    private static readonly Dictionary<string, string> HeldUntilTheKill = new()
    {
        ["Webhooks:TimeoutSeconds"] = "8",
        ["Webhooks:TokenTimeoutSeconds"] = "1",
        ["Webhooks:LeaseSeconds"] = "19",
    };

    [DeploymentFact]
    public async Task The_other_instance_delivers_everything_a_killed_one_accepted_or_held()
    {
        await using var receiver = await WebhookIdReceiver.StartAsync();
        await using var deployment = await Deployment.StartAsync(settings: HeldUntilTheKill);
        var alertId = await Burst.ArrangeAlertAsync(deployment, deployment.A, receiver.Url);
        var accepted = new ConcurrentDictionary<Guid, string>();

        // The receiver holds every request until the kill: A dies with deliveries claimed and in flight.
        receiver.HoldAnswers();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = Task.WhenAll(receiver.FirstRequest, enough.Task).ContinueWith(_ => deployment.A.Kill(), TaskScheduler.Default);
        await Burst.FireAsync(alertId, Fires, n => n % 2 == 0 && !killed.IsCompleted ? deployment.A : deployment.B, accepted,
            tolerateFailures: true, onAccepted: () =>
            {
                if (accepted.Count >= KillAfterAccepted)
                {
                    enough.TrySetResult();
                }
            });
        enough.TrySetResult();
        try
        {
            await killed.WaitAsync(PortalInstance.Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"No delivery reached the receiver ({accepted.Count} fires accepted).\n{deployment.Logs}");
        }
        var clock = Stopwatch.StartNew();
        var receivedBeforeAnswers = receiver.Received;
        receiver.Answer();

        // What A's killed requests left unaccepted goes through B.
        await Burst.FireAsync(alertId, Fires - accepted.Count, _ => deployment.B, accepted);
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

        var twice = webhookIds.Count(id => receiver.AcknowledgedCount(id) > 1);
        output.WriteLine($"A killed with {accepted.Values.Count(v => v == "A")} fires accepted by A, {receivedBeforeAnswers} requests held; " +
                         $"B delivered all {Fires} within {clock.Elapsed.TotalSeconds:F1} s of the kill; {twice} acknowledged more than once.");
        Assert.Equal(0, receiver.Mismatched);
        Assert.True(accepted.Values.Any(v => v == "A"), "A accepted no fire before it was killed.");
        Assert.False(deployment.B.HasExited, deployment.Logs);
    }
}
