using System.Collections.Concurrent;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Delivery;

/// <summary>What one delivery needs: the alert and its credential, decrypted (null: No Auth).</summary>
public sealed record DeliveryTarget(Alert Alert, ResolvedCredential? Credential);

/// <summary>
/// Loads an alert and its credential for a delivery. Every call reads both rows as stored, in one prepared statement;
/// the EF-materialised alert and the decrypted credential are kept and reused only while those rows are exactly what
/// they were when loaded, column for column. So any change — through the services, another process, or by hand, with
/// or without a version bump — is seen by the next delivery, and nothing needs to be told to invalidate.
/// </summary>
public sealed class DeliveryTargets(IDbContextFactory<PortalDbContext> dbFactory, CredentialService credentials) : IDisposable
{
    /// <summary>A bound on the decrypted credentials kept in memory; past it the cache starts over.</summary>
    internal const int MaxEntries = 1024;

    /// <summary>Idle prepared readers kept; more are opened while deliveries run in parallel and closed after.</summary>
    private const int MaxIdleReaders = 4;

    // Both rows whole: the comparison must not depend on which columns a later migration adds.
    private const string RowSql = "SELECT a.*, c.* FROM Alerts AS a LEFT JOIN Credentials AS c ON c.Id = a.CredentialId WHERE a.Id = $id";

    /// <summary>How long a deleted credential's id stays marked: longer than its deletion's transaction can take.</summary>
    private const long DeletedMarkMilliseconds = 60_000;

    private readonly ConcurrentDictionary<int, Entry> cache = new();
    private readonly ConcurrentBag<RowReader> idle = [];

    // Credentials being deleted (id -> Environment.TickCount64 when marked): a load racing the deletion's transaction
    // still sees the old rows, so its target must not be kept after the eviction has run.
    private readonly ConcurrentDictionary<int, long> deletedCredentials = new();
    private int loads;
    private bool disposed;

    /// <summary>EF loads so far (tests: a hit loads nothing, a change loads again).</summary>
    internal int Loads => Volatile.Read(ref loads);

    /// <summary>The alert and its decrypted credential as stored now; null when the alert does not exist.</summary>
    public async Task<DeliveryTarget?> GetAsync(int alertId, CancellationToken cancellationToken = default)
    {
        var row = ReadRow(alertId);
        if (row is null)
        {
            cache.TryRemove(alertId, out _);
            return null;
        }
        if (cache.TryGetValue(alertId, out var cached) && SameRow(cached.Row, row))
        {
            return cached.Target;
        }

        Interlocked.Increment(ref loads);
        DeliveryTarget target;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var alert = await db.Set<Alert>().AsNoTracking().Include(a => a.Credential)
                .FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken);
            if (alert is null)
            {
                cache.TryRemove(alertId, out _);
                return null;
            }
            var credential = alert.Credential is { } stored ? credentials.Resolve(stored) : null;
            alert.Credential = null; // the target carries the decrypted values once, not the ciphertext as well
            target = new DeliveryTarget(alert, credential);
        }

        // Kept only if the rows did not change around the load, so that the kept target is the one these rows describe
        // (versions only go up: unchanged before and after means unchanged in between).
        if (ReadRow(alertId) is { } after && SameRow(row, after))
        {
            if (cache.Count >= MaxEntries)
            {
                cache.Clear();
            }
            var entry = new Entry(row, target);
            cache[alertId] = entry;
            // Kept first, checked second (EvictCredential marks first, evicts second): whichever runs last removes it.
            if (target.Credential is { } kept && IsBeingDeleted(kept.Id))
            {
                cache.TryRemove(new KeyValuePair<int, Entry>(alertId, entry));
            }
        }
        return target;
    }

    /// <summary>Decrypted targets held in memory (tests).</summary>
    internal int Count => cache.Count;

    /// <summary>Whether some kept target holds this credential's decrypted values (tests).</summary>
    internal bool HoldsCredential(int credentialId) => cache.Values.Any(e => e.Target.Credential?.Id == credentialId);

    /// <summary>
    /// Drops every kept target that holds the credential's decrypted values, so that a deleted credential's plaintext
    /// does not stay in memory until its alerts are sent again. Called from the credential's deletion
    /// (<see cref="DeliveryTargetEviction"/>), inside its transaction.
    /// </summary>
    public void EvictCredential(int credentialId)
    {
        var now = Environment.TickCount64;
        if (deletedCredentials.Count >= 64)
        {
            foreach (var (id, marked) in deletedCredentials)
            {
                if (now - marked > DeletedMarkMilliseconds)
                {
                    deletedCredentials.TryRemove(id, out _);
                }
            }
        }
        deletedCredentials[credentialId] = now;
        foreach (var (alertId, entry) in cache)
        {
            if (entry.Target.Credential?.Id == credentialId)
            {
                cache.TryRemove(new KeyValuePair<int, Entry>(alertId, entry));
            }
        }
    }

    /// <summary>Drops the alert's kept target (its alert was edited or deleted); the next delivery loads it again.</summary>
    public void Evict(int alertId) => cache.TryRemove(alertId, out _);

    private bool IsBeingDeleted(int credentialId) =>
        deletedCredentials.TryGetValue(credentialId, out var marked) && Environment.TickCount64 - marked <= DeletedMarkMilliseconds;

    private object?[]? ReadRow(int alertId)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!idle.TryTake(out var reader))
        {
            reader = new RowReader(DedicatedConnection.Open(dbFactory));
        }
        try
        {
            var row = reader.Read(alertId);
            if (idle.Count < MaxIdleReaders && !disposed)
            {
                idle.Add(reader);
                reader = null;
            }
            return row;
        }
        finally
        {
            reader?.Dispose(); // surplus, or failed: a broken connection is not reused
        }
    }

    private static bool SameRow(object?[] a, object?[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        for (var i = 0; i < a.Length; i++)
        {
            if (!Equals(a[i], b[i]))
            {
                return false; // blobs compare by reference, so a BLOB column would only ever miss: safe
            }
        }
        return true;
    }

    public void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var reader))
        {
            reader.Dispose();
        }
        cache.Clear();
    }

    private sealed record Entry(object?[] Row, DeliveryTarget Target);

    /// <summary>One connection with the row statement prepared on it; used by one caller at a time.</summary>
    private sealed class RowReader : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly SqliteCommand command;
        private readonly SqliteParameter id;

        public RowReader(SqliteConnection connection)
        {
            this.connection = connection;
            command = connection.CreateCommand();
            command.CommandText = RowSql;
            id = command.Parameters.Add("$id", SqliteType.Integer);
            command.Prepare();
        }

        public object?[]? Read(int alertId)
        {
            id.Value = alertId;
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }
            var values = new object?[reader.FieldCount];
            reader.GetValues(values!);
            return values;
        }

        public void Dispose()
        {
            command.Dispose();
            connection.Dispose();
        }
    }
}
