using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CredentialPortal.E2E.Deployment;

/// <summary>Fires an alert many times, 16 requests at a time, through the instances a chooser picks.</summary>
public static class Burst
{
    /// <summary>A credential through the API of <paramref name="instance"/> and an alert using it that posts to <paramref name="url"/>.</summary>
    public static async Task<int> ArrangeAlertAsync(Deployment deployment, PortalInstance instance, Uri url)
    {
        using var created = await instance.Api.PostAsJsonAsync("api/v1/webhook-credentials", new
        {
            name = "Burst key",
            type = "client_id",
            field_name = "X-Burst-Key",
            client_id = "burst-value-0001",
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return await deployment.CreateAlertAsync("Burst", "Burst key", url.ToString());
    }

    /// <summary>
    /// Fires fire number 1..<paramref name="count"/> through <paramref name="through"/>(n); each accepted one (202) is
    /// added to <paramref name="accepted"/> with the instance that took it. With <paramref name="tolerateFailures"/> a
    /// request that fails (its instance was killed) is simply not accepted.
    /// </summary>
    public static async Task FireAsync(int alertId, int count, Func<int, PortalInstance> through,
        ConcurrentDictionary<Guid, string> accepted, bool tolerateFailures = false, Action? onAccepted = null)
    {
        var issued = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 16), async (_, _) =>
        {
            int n;
            while ((n = Interlocked.Increment(ref issued)) <= count)
            {
                var instance = through(n);
                try
                {
                    using var response = await instance.Api.PostAsJsonAsync($"api/v1/alerts/{alertId}/fire", new { n });
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                        accepted.TryAdd(answer.GetProperty("delivery_id").GetGuid(), instance.Name);
                        onAccepted?.Invoke();
                    }
                    else if (!tolerateFailures)
                    {
                        Assert.Fail($"A fire through {instance.Name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (Exception ex) when (tolerateFailures && ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
                {
                    // Its instance was killed under this request: not accepted, whatever it had committed.
                }
            }
        });
    }

    public static List<string> WebhookIds(IEnumerable<Guid> deliveryIds) => deliveryIds.Select(id => "msg_" + id.ToString("N")).ToList();
}
