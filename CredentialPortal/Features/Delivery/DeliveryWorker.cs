using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Features.Delivery;

/// <summary>
/// Wakes this instance's worker when a delivery is committed here, so it need not wait for its next poll. The table
/// stays the truth: a lost wake-up only delays a delivery until the poll; other instances find it by polling.
/// </summary>
public sealed class DeliverySignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite, // one pending wake-up is as good as many
    });

    public void Notify() => channel.Writer.TryWrite(true);

    /// <summary>Returns when notified or after <paramref name="timeout"/> on <paramref name="time"/>'s clock.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var poll = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, poll.Token);
        try
        {
            await channel.Reader.WaitToReadAsync(either.Token);
            channel.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the poll interval passed
        }
    }
}

/// <summary>
/// Sends due deliveries: claims a batch from <see cref="DeliveryQueue"/>, makes one attempt of each at once
/// (<see cref="WebhookSender"/>), records the batch's outcomes, and claims again while it has room
/// (<see cref="WebhookOptions.MaxConcurrency"/> deliveries in flight). Idle, it waits for <see cref="DeliverySignal"/>
/// or the poll interval. Once an hour it prunes the log. A graceful stop lets what is in flight finish; if the host's
/// shutdown timeout runs out first, the attempts still running are abandoned and their rows released.
/// </summary>
public sealed partial class DeliveryWorker(
    DeliveryQueue queue,
    DeliverySignal signal,
    IServiceProvider services,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    /// <summary>Rows claimed per statement at most.</summary>
    public const int BatchSize = 64;

    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private readonly CancellationTokenSource abandon = new();
    private int inFlight;
    private long lastRoundTicks;

    /// <summary>True once the loop has started; it stays false when Webhooks:WorkerEnabled is off (this instance sends nothing).</summary>
    public bool Running { get; private set; }

    /// <summary>
    /// When the loop last went round without an error (looked for due deliveries, or had no room for more), on its clock;
    /// its start until then; null before it starts. What <see cref="DeliveryWorkerHealthCheck"/> reads.
    /// </summary>
    public DateTimeOffset? LastRoundAt => Volatile.Read(ref lastRoundTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    private void MarkRound() => Volatile.Write(ref lastRoundTicks, time.GetUtcNow().UtcTicks);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Here, not in the loop (which runs on a thread of its own): the health check counts from the start.
        Running = options.CurrentValue.WorkerEnabled;
        MarkRound();
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host's shutdown timeout: past it, running attempts give up and their rows go back to the queue. The loop is
        // awaited past the timeout all the same: releasing is quick, and a row left with its lease would wait for it to end.
        await using var registration = cancellationToken.Register(abandon.Cancel);
        await base.StopAsync(CancellationToken.None);
    }

    public override void Dispose()
    {
        abandon.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Running)
        {
            return; // Webhooks:WorkerEnabled is off
        }
        var running = new List<Task>();
        var nextPrune = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            var settings = options.CurrentValue;
            try
            {
                if (time.GetUtcNow() >= nextPrune)
                {
                    nextPrune = time.GetUtcNow() + PruneEvery;
                    await PruneAsync(stoppingToken);
                }
                var room = settings.MaxConcurrency - Volatile.Read(ref inFlight);
                // Not cancelled by the stop: rows claimed but never loaded would wait for their lease to end.
                var claimed = room > 0 ? await queue.ClaimAsync(Math.Min(room, BatchSize), CancellationToken.None) : [];
                MarkRound();
                if (claimed.Count > 0)
                {
                    Interlocked.Add(ref inFlight, claimed.Count);
                    running.Add(SendAsync(claimed));
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database was busy or gone for a moment: what is due stays due; look again at the next poll.
                Log.ClaimFailed(logger, ex);
            }
            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(settings.PollMilliseconds), time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break; // to the wait below: a graceful stop lets what is in flight finish
            }
        }
        await Task.WhenAll(running);
    }

    /// <summary>
    /// Claims one batch of due deliveries and sends it, returning once its outcomes are recorded: how many were claimed.
    /// The loop does the same without waiting; tests call this with a moved clock.
    /// </summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var claimed = await queue.ClaimAsync(BatchSize, cancellationToken);
        if (claimed.Count > 0)
        {
            Interlocked.Add(ref inFlight, claimed.Count);
            await SendAsync(claimed);
        }
        return claimed.Count;
    }

    /// <summary>Attempts each claimed delivery at once, then records them all in one transaction.</summary>
    private async Task SendAsync(IReadOnlyList<WebhookDelivery> claimed)
    {
        try
        {
            await Task.Yield(); // off the claiming loop
            var sender = services.GetRequiredService<WebhookSender>();
            var outcomes = await Task.WhenAll(claimed.Select(async delivery =>
            {
                try
                {
                    return (delivery, await sender.AttemptAsync(delivery, abandon.Token));
                }
                catch (OperationCanceledException) when (abandon.IsCancellationRequested)
                {
                    return (delivery, new AttemptOutcome(null, AttemptVerdict.Released));
                }
            }));
            await queue.RecordAsync(outcomes, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Their rows keep their lease and are taken over when it ends: a receiver may see an attempt twice, never none.
            Log.RecordFailed(logger, ex, claimed.Count);
        }
        finally
        {
            Interlocked.Add(ref inFlight, -claimed.Count);
            signal.Notify(); // room again: claim what may be waiting
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await queue.PruneAsync(cancellationToken);
            total += deleted;
            MarkRound(); // a long prune (a first one over a big log) is progress, not a stuck loop
        }
        while (deleted == DeliveryQueue.PruneChunk);
        if (total > 0)
        {
            Log.Pruned(logger, total);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming due deliveries failed; trying again at the next poll.")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "Recording {Count} delivery attempt(s) failed; their deliveries are retried when their lease ends.")]
        public static partial void RecordFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} finished deliveries past the retention period.")]
        public static partial void Pruned(ILogger logger, int count);
    }
}
