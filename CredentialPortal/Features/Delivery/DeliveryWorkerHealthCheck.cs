using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Features.Delivery;

/// <summary>
/// "delivery-worker" on /health: Healthy while this instance's <see cref="DeliveryWorker"/> goes round (or is off by
/// configuration, which the description says); Unhealthy when it stopped, or has not gone round without an error for
/// <see cref="StaleAfter"/> (its claims fail: the database is unreachable or refuses them). A fire is still accepted
/// then, and waits in the table for a worker that runs.
/// </summary>
public sealed class DeliveryWorkerHealthCheck(DeliveryWorker worker, IOptionsMonitor<WebhookOptions> options, TimeProvider time) : IHealthCheck
{
    public const string Name = "delivery-worker";

    /// <summary>Poll intervals without a round before the worker counts as stuck.</summary>
    public const int StalePolls = 5;

    /// <summary>The least time without a round that counts as stuck, whatever the poll interval: one slow claim is not.</summary>
    public static readonly TimeSpan MinimumStale = TimeSpan.FromSeconds(10);

    public static TimeSpan StaleAfter(WebhookOptions settings) =>
        TimeSpan.FromMilliseconds(Math.Max(StalePolls * settings.PollMilliseconds, MinimumStale.TotalMilliseconds));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        var loop = worker.ExecuteTask;
        HealthCheckResult result;
        if (!settings.WorkerEnabled && !worker.Running)
        {
            result = HealthCheckResult.Healthy(
                "The delivery worker is off by configuration (Webhooks:WorkerEnabled = false): this instance accepts fires and sends none; an instance whose worker runs sends them.");
        }
        else if (loop is null)
        {
            result = HealthCheckResult.Unhealthy("The delivery worker has not started.");
        }
        else if (loop.IsFaulted)
        {
            // The exception goes to the health check log, not into the anonymous answer.
            result = HealthCheckResult.Unhealthy("The delivery worker stopped with an error; this instance sends no deliveries until it restarts.",
                loop.Exception?.GetBaseException());
        }
        else if (loop.IsCompleted)
        {
            result = HealthCheckResult.Unhealthy("The delivery worker has stopped; this instance sends no deliveries.");
        }
        else if (worker.LastRoundAt is { } last && time.GetUtcNow() - last > StaleAfter(settings))
        {
            result = HealthCheckResult.Unhealthy(
                $"The delivery worker has not looked for due deliveries without an error for {(int)(time.GetUtcNow() - last).TotalSeconds} s: its claims fail (is the database reachable?).");
        }
        else
        {
            result = HealthCheckResult.Healthy("The delivery worker is running.");
        }
        return Task.FromResult(result);
    }
}
