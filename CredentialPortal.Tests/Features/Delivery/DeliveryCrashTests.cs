using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
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
public sealed partial class DeliveryCrashTests(ITestOutputHelper output)
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
        await using var first = await PortalProcess.StartAsync(database.Folder, output);
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = Task.WhenAll(receiver.FirstRequest, enough.Task).ContinueWith(_ => first.Kill(), TaskScheduler.Default);
        await FireAsync(first.Client, created.Id, Burst, accepted, killed, () =>
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

        await using var second = await PortalProcess.StartAsync(database.Folder, output);
        await FireAsync(second.Client, created.Id, Burst - accepted.Count, accepted, stop: null, onAccepted: null);
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

    /// <summary>dotnet CredentialPortal.dll on a free loopback port, over the test's database and key ring.</summary>
    private sealed partial class PortalProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> lines = new();
        private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private PortalProcess(Process process) => this.process = process;

        public HttpClient Client { get; private set; } = default!;

        public static async Task<PortalProcess> StartAsync(string folder, ITestOutputHelper output)
        {
            var app = Path.Combine(AppContext.BaseDirectory, "CredentialPortal.dll");
            Assert.True(File.Exists(Path.ChangeExtension(app, ".runtimeconfig.json")), $"The portal is not built beside the tests: {app}");
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(app);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add("http://127.0.0.1:0");
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            // The test's database: its SQLite file, or its PostgreSQL database (Database:Provider and ConnectionStrings:Portal).
            foreach (var (key, value) in TestProvider.SettingsFor(folder, Path.Combine(folder, "portal.db")))
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
            start.Environment["DataProtection__KeysPath"] = Path.Combine(folder, "keys");
            start.Environment["Seed__ApiToken"] = Token;
            start.Environment["Webhooks__AllowPrivateNetworks"] = "true";
            // An attempt held by the receiver stays in flight until the kill (30 s, even on a slow machine); the lease outlasts
            // it and a token request, and a killed instance's deliveries are taken over when it ends.
            start.Environment["Webhooks__TimeoutSeconds"] = "30";
            start.Environment["Webhooks__TokenTimeoutSeconds"] = "1";
            start.Environment["Webhooks__LeaseSeconds"] = "32";
            start.Environment["Api__PermitsPerMinute"] = "1000000";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
            start.Environment.Remove("ASPNETCORE_URLS");
            start.Environment.Remove("ASPNETCORE_HTTP_PORTS");

            var portal = new PortalProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
            portal.process.OutputDataReceived += (_, e) => portal.Read(e.Data);
            portal.process.ErrorDataReceived += (_, e) => portal.Read(e.Data);
            portal.process.BeginOutputReadLine();
            portal.process.BeginErrorReadLine();
            var exited = portal.process.WaitForExitAsync();
            var ready = await Task.WhenAny(portal.listening.Task, exited).WaitAsync(Patience);
            if (ready != portal.listening.Task)
            {
                Assert.Fail($"The portal exited at start ({portal.process.ExitCode}):\n{string.Join("\n", portal.lines)}");
            }
            var address = await portal.listening.Task;
            output.WriteLine($"Portal {portal.process.Id} listening on {address}");
            portal.Client = new HttpClient { BaseAddress = address, Timeout = Patience };
            portal.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            return portal;
        }

        private void Read(string? line)
        {
            if (line is null)
            {
                return;
            }
            lines.Enqueue(line);
            while (lines.Count > 200)
            {
                lines.TryDequeue(out _);
            }
            if (Listening().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
            }
        }

        [GeneratedRegex(@"Now listening on: (http://\S+)")]
        private static partial Regex Listening();

        /// <summary>SIGKILL: no shutdown, nothing flushed or released.</summary>
        public void Kill()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public ValueTask DisposeAsync()
        {
            Client?.Dispose();
            if (!process.HasExited)
            {
                Kill();
            }
            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
