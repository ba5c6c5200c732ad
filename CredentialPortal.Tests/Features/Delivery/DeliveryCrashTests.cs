using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// The portal as a separate process, killed with SIGKILL in the middle of a burst of fires, then started again on the same
/// database: every fire it accepted (answered 202) reaches the receiver, a delivery seen twice always with its one
/// webhook-id.
/// </summary>
public sealed class DeliveryCrashTests(ITestOutputHelper output)
{
    private const string Token = "cpt_crash-test-token-for-the-api-0123456789";
    private const int Burst = 1000;
    private const int KillAfterAccepted = 400;

    /// <summary>Generous: a loaded 2-core CI machine runs the portal, the receiver and the tests at once.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_portal_killed_mid_burst_delivers_every_accepted_fire_after_a_restart()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        await using var receiver = await WebhookIdReceiver.StartAsync();
        var credential = (await database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret(clientId: "link", secret: "epona"))).Id;
        var created = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url, credentialId: credential));
        Assert.True(created.Succeeded);
        var accepted = new ConcurrentDictionary<Guid, int>();

        // The receiver holds every request until the kill: the portal dies with deliveries claimed and in flight, and
        // the rest of the burst pending behind them.
        receiver.HoldAnswers();
        await using var first = await StartPortalAsync(database.Folder, output);
        using var firstClient = ClientFor(first);
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = Task.WhenAll(receiver.FirstRequest, enough.Task).ContinueWith(_ => first.Kill(), TaskScheduler.Default);
        await FireAsync(firstClient, created.Id, Burst, accepted, killed, () =>
        {
            if (accepted.Count >= KillAfterAccepted)
            {
                enough.TrySetResult();
            }
        });
        enough.TrySetResult(); // the whole burst was accepted before the first request arrived: kill then
        await killed.WaitAsync(Patience);
        var acceptedBeforeKill = accepted.Count;
        var receivedBeforeKill = receiver.Received;
        receiver.Answer();
        output.WriteLine($"Killed after {acceptedBeforeKill} accepted fires; {receivedBeforeKill} requests were in flight.");
        Assert.InRange(receivedBeforeKill, 1, acceptedBeforeKill);

        await using var second = await StartPortalAsync(database.Folder, output);
        using var secondClient = ClientFor(second);
        await FireAsync(secondClient, created.Id, Burst - accepted.Count, accepted, stop: null, onAccepted: null);
        Assert.Equal(Burst, accepted.Count);

        var webhookIds = accepted.Keys.Select(id => "msg_" + id.ToString("N")).ToList();
        try
        {
            await receiver.AllAcknowledgedAsync(webhookIds).WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            var missing = receiver.Missing(webhookIds);
            Assert.Fail($"{missing.Count} accepted deliveries never arrived, e.g. {string.Join(", ", missing.Take(5))}.");
        }

        Assert.Equal(0, receiver.Mismatched);
        var twice = webhookIds.Count(id => receiver.AcknowledgedCount(id) > 1);
        output.WriteLine($"{receiver.Received} requests for {Burst} deliveries; {twice} acknowledged more than once.");
        await using var db = await database.CreateDbContextAsync();
        var stored = (await db.Deliveries.Select(d => d.PublicId).ToListAsync()).ToHashSet();
        Assert.True(stored.IsSupersetOf(accepted.Keys));
    }

    /// <summary>Fires <paramref name="count"/> times, 16 at a time, or until <paramref name="stop"/> (each must be accepted without one).</summary>
    private static async Task FireAsync(HttpClient client, int alertId, int count, ConcurrentDictionary<Guid, int> accepted, Task? stop,
        Action? onAccepted)
    {
        var issued = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 16), async (_, _) =>
        {
            int n;
            while ((n = Interlocked.Increment(ref issued)) <= count && stop?.IsCompleted != true)
            {
                try
                {
                    using var response = await client.PostAsJsonAsync($"api/v1/alerts/{alertId}/fire", new { n });
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                        accepted.TryAdd(answer.GetProperty("delivery_id").GetGuid(), n);
                        onAccepted?.Invoke();
                    }
                    else if (stop is null)
                    {
                        Assert.Fail($"The fire answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (Exception ex) when (stop is not null && ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
                {
                    // The portal was killed under this request: not accepted, whatever it had committed.
                }
            }
        });
    }

    /// <summary>The portal built beside the tests, on a free loopback port, over the test's database and key ring.</summary>
    private static async Task<PortalProcess> StartPortalAsync(string folder, ITestOutputHelper output)
    {
        // The test's database: its SQLite file, or its PostgreSQL database (Database:Provider and ConnectionStrings:Portal).
        var settings = TestProvider.SettingsFor(folder, Path.Combine(folder, "portal.db")).ToDictionary(s => s.Key, s => s.Value!);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["DataProtection:KeysPath"] = Path.Combine(folder, "keys"),
            ["Seed:ApiToken"] = Token,
            ["Webhooks:AllowPrivateNetworks"] = "true",
            // An attempt held by the receiver stays in flight until the kill (30 s, even on a slow machine); the lease outlasts
            // it and a token request twice over (the shortest allowed), and a killed instance's deliveries are taken over when it ends.
            ["Webhooks:TimeoutSeconds"] = "30",
            ["Webhooks:TokenTimeoutSeconds"] = "1",
            ["Webhooks:LeaseSeconds"] = "63",
            ["Api:PermitsPerMinute"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        })
        {
            settings[key] = value;
        }
        var portal = await PortalProcess.StartAsync(AppContext.BaseDirectory, settings, Patience);
        output.WriteLine($"Portal {portal.Id} listening on {portal.Address}");
        return portal;
    }

    private static HttpClient ClientFor(PortalProcess portal)
    {
        var client = new HttpClient { BaseAddress = portal.Address, Timeout = Patience };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }
}
