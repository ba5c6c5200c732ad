using System.Threading.Channels;
using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Hierarchy;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace CredentialPortal.Infrastructure;

/// <summary>
/// Keeps the in-process caches (API tokens, the hierarchy snapshot, credentials as the API reads them, OAuth access
/// tokens) true when several instances
/// share one PostgreSQL database: a change evicts here at once and is sent to the other instances with
/// <c>pg_notify</c>; each instance LISTENs on one connection of its own and evicts what it is told. A connection that
/// drops is opened again, and everything cached is dropped then, since messages sent meanwhile were missed. On SQLite
/// (one instance) only the local eviction runs.
/// </summary>
public sealed class CacheInvalidation(
    PortalDatabase database,
    IMemoryCache memoryCache,
    OAuthTokenCache oauthTokens,
    IServiceProvider services,
    TimeProvider time,
    ILogger<CacheInvalidation> logger) : BackgroundService
{
    public const string Channel = "portal_cache";

    /// <summary>How the listening connection shows in pg_stat_activity.</summary>
    public const string ListenerApplicationName = "CredentialPortal cache listener";

    private const string MemoryEntry = "memory";
    private const string HierarchyShape = "shape";
    private const string Credential = "credential";
    private const string References = "references";

    // Messages from this instance come back to it too; they are skipped by this id.
    private readonly string instanceId = Guid.NewGuid().ToString("N");

    // Filled on PostgreSQL; bounded so that a sender that cannot reach the server (or a bare service provider, where no
    // hosted service runs) cannot grow it without end.
    private readonly Channel<string> outgoing = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private long credentialGeneration;
    private long memoryEntryGeneration;

    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this instance LISTENs (the first time).</summary>
    public Task Listening => listening.Task;

    /// <summary>Raised after a message from another instance was applied (its payload).</summary>
    public event Action<string>? Applied;

    /// <summary>Raised each time the listening connection is (re)established and this instance's caches were dropped.</summary>
    public event Action? Connected;

    /// <summary>Drops an <see cref="IMemoryCache"/> entry here and on the other instances.</summary>
    public void RemoveMemoryEntry(string key)
    {
        ForgetMemoryEntry(key);
        Publish($"{MemoryEntry} {key}");
    }

    /// <summary>
    /// Goes up whenever an entry is dropped by <see cref="RemoveMemoryEntry"/> (here or on another instance). A reader
    /// takes it before reading what it will cache under such a key and stamps the entry with it (<see cref="StampedCache"/>):
    /// a read that raced with the change is not used after it.
    /// </summary>
    public long MemoryEntryGeneration => Interlocked.Read(ref memoryEntryGeneration);

    private void ForgetMemoryEntry(string key)
    {
        Interlocked.Increment(ref memoryEntryGeneration);
        memoryCache.Remove(key);
    }

    /// <summary>
    /// Tells the other instances to drop their hierarchy snapshot (this one drops its own first). A level may have
    /// chosen or dropped a credential: the list's Used by order and counts go too, here and there.
    /// </summary>
    public void HierarchyChanged()
    {
        ForgetReferences();
        Publish(HierarchyShape);
    }

    /// <summary>
    /// An alert was created, edited or deleted, so a credential may have gained or lost a user: forgets the list's Used by
    /// order and counts here and on the other instances. Call it once the change is committed.
    /// </summary>
    public void ReferencesChanged()
    {
        ForgetReferences();
        Publish(References);
    }

    private void ForgetReferences()
    {
        Interlocked.Increment(ref credentialGeneration);
        memoryCache.Remove(CredentialOrderKey(CredentialSort.UsedBy));
        memoryCache.Remove(UsedByCountsKey);
    }

    /// <summary>
    /// Forgets what is cached of the credential (its cached read, its OAuth tokens), the credential count and the Used by
    /// counts, here and on the other instances: call it once a creation, an edit or a deletion is committed.
    /// </summary>
    public void CredentialChanged(int credentialId)
    {
        ForgetCredential(credentialId);
        Publish($"{Credential} {credentialId}");
    }

    /// <summary>
    /// Goes up whenever a credential is forgotten (or who uses one changes). A reader takes it before reading and stamps
    /// what it caches with it (<see cref="StampedCache"/>): a read that raced with a change is not used after it.
    /// </summary>
    public long CredentialGeneration => Interlocked.Read(ref credentialGeneration);

    /// <summary>The <see cref="IMemoryCache"/> key of a credential's cached read, which <see cref="CredentialChanged"/> evicts.</summary>
    public static string CredentialKey(int credentialId) => $"credential:{credentialId}";

    /// <summary>The <see cref="IMemoryCache"/> key of the number of credentials, which <see cref="CredentialChanged"/> evicts.</summary>
    public const string CredentialCountKey = "credential-count";

    /// <summary>
    /// The <see cref="IMemoryCache"/> key of every credential's id in one list order, which <see cref="CredentialChanged"/>
    /// evicts (a change of name or date moves a credential; a creation or deletion moves all after it), and for the Used by
    /// order <see cref="ReferencesChanged"/> and <see cref="HierarchyChanged"/> too.
    /// </summary>
    public static string CredentialOrderKey(CredentialSort sort) => $"credential-order:{sort}";

    /// <summary>
    /// The <see cref="IMemoryCache"/> key of every used credential's Used by count, which <see cref="ReferencesChanged"/>,
    /// <see cref="HierarchyChanged"/> and <see cref="CredentialChanged"/> evict.
    /// </summary>
    public const string UsedByCountsKey = "credential-used-by";

    private void ForgetCredential(int credentialId)
    {
        Interlocked.Increment(ref credentialGeneration);
        memoryCache.Remove(CredentialKey(credentialId));
        memoryCache.Remove(CredentialCountKey);
        memoryCache.Remove(UsedByCountsKey);
        foreach (var sort in Enum.GetValues<CredentialSort>())
        {
            memoryCache.Remove(CredentialOrderKey(sort));
        }
        oauthTokens.Remove(credentialId);
    }

    private void Publish(string message)
    {
        if (database.IsPostgres)
        {
            outgoing.Writer.TryWrite($"{instanceId} {message}");
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        // Its own connection outside the pool, with keepalives so that a silently dead link is noticed.
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, KeepAlive = 15, ApplicationName = ListenerApplicationName }.ToString();
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Apply(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                // Whatever was cached before now (or while the connection was down) may have changed unseen.
                EvictAll();
                listening.TrySetResult();
                Connected?.Invoke();
                retry = TimeSpan.FromSeconds(1);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Any failure: a listener that stopped for good would leave this instance's caches stale unseen.
                logger.LogWarning("Listening for other instances' cache evictions failed ({Reason}); retrying in {Seconds} s.", e.Message, retry.TotalSeconds);
                EvictAll();
                try
                {
                    await Task.Delay(retry, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await outgoing.Reader.WaitToReadAsync(stoppingToken))
            {
                while (outgoing.Reader.TryPeek(out var message))
                {
                    try
                    {
                        await using var connection = new NpgsqlConnection(database.ConnectionString);
                        await connection.OpenAsync(stoppingToken);
                        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                        notify.Parameters.AddWithValue("channel", Channel);
                        notify.Parameters.AddWithValue("payload", message);
                        await notify.ExecuteNonQueryAsync(stoppingToken);
                        outgoing.Reader.TryRead(out _);
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        logger.LogWarning("Telling other instances about a cache eviction failed ({Reason}); retrying.", e.Message);
                        await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Apply(string payload)
    {
        var parts = payload.Split(' ', 3);
        if (parts.Length < 2 || parts[0] == instanceId)
        {
            return;
        }
        switch (parts[1])
        {
            case MemoryEntry when parts.Length == 3:
                ForgetMemoryEntry(parts[2]);
                break;
            case HierarchyShape:
                ForgetReferences();
                services.GetRequiredService<HierarchyService>().EvictShape();
                break;
            case References:
                ForgetReferences();
                break;
            case Credential when parts.Length == 3 && int.TryParse(parts[2], out var credentialId):
                ForgetCredential(credentialId);
                break;
            default:
                return;
        }
        Applied?.Invoke(payload);
    }

    private void EvictAll()
    {
        Interlocked.Increment(ref credentialGeneration);
        Interlocked.Increment(ref memoryEntryGeneration);
        (memoryCache as MemoryCache)?.Clear();
        services.GetRequiredService<HierarchyService>().EvictShape();
        oauthTokens.Clear();
    }
}
