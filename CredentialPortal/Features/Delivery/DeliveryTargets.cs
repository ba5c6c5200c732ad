using System.Collections.Concurrent;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace CredentialPortal.Features.Delivery;

/// <summary>What one delivery needs: the alert and the credential it uses (its own or the inherited one), decrypted (null: No Auth).</summary>
public sealed record DeliveryTarget(Alert Alert, ResolvedCredential? Credential);

/// <summary>
/// Loads an alert and its credential for a delivery. Every call reads both rows as stored, in one prepared statement;
/// the EF-materialised alert and the decrypted credential are kept and reused only while those rows are exactly what
/// they were when loaded, column for column. So any change — through the services, another process, or by hand, with
/// or without a version bump — is seen by the next delivery, and nothing needs to be told to invalidate.
/// </summary>
public sealed class DeliveryTargets(
    IDbContextFactory<PortalDbContext> dbFactory,
    CredentialService credentials,
    HierarchyService hierarchy,
    IDataProtectionProvider dataProtection)
    : IDisposable
{
    private readonly IDataProtector headerProtector = WebhookHeaderSecrets.CreateProtector(dataProtection);

    /// <summary>A bound on the decrypted credentials kept in memory; past it the cache starts over.</summary>
    internal const int MaxEntries = 1024;

    /// <summary>Idle prepared readers kept; more are opened while deliveries run in parallel and closed after.</summary>
    private const int MaxIdleReaders = 4;

    // Both rows whole: the comparison must not depend on which columns a later migration adds. The credential is the one
    // the alert uses: its own, or for an inheriting alert the nearest own credential of its workspace, organization,
    // partner and platform (the hierarchy has exactly those four levels). So a level that sets, changes or clears its
    // credential changes these rows, and the next delivery sees it. The level joins are skipped for alerts that do not
    // inherit.
    private const string RowSql = """
        SELECT a.*, c.*
        FROM Alerts AS a
        LEFT JOIN HierarchyEntities AS w ON a.InheritsCredential AND w.Id = a.WorkspaceId
        LEFT JOIN HierarchyEntities AS o ON o.Id = w.ParentId
        LEFT JOIN HierarchyEntities AS p ON p.Id = o.ParentId
        LEFT JOIN HierarchyEntities AS pl ON pl.Id = p.ParentId
        LEFT JOIN Credentials AS c ON c.Id = CASE WHEN a.InheritsCredential
            THEN coalesce(w.CredentialId, o.CredentialId, p.CredentialId, pl.CredentialId) ELSE a.CredentialId END
        WHERE a.Id = $id
        """;

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
        cache.TryGetValue(alertId, out var cached);
        var row = ReadRow(alertId, cached?.Row);
        if (row is null)
        {
            cache.TryRemove(alertId, out _);
            return null;
        }
        if (ReferenceEquals(row, cached?.Row))
        {
            return cached.Target; // the same bytes, column for column
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
            var stored = alert.Credential;
            if (alert.InheritsCredential && await hierarchy.GetEffectiveAsStoredAsync(alert.WorkspaceId, cancellationToken) is { } effective)
            {
                stored = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == effective.CredentialId, cancellationToken);
            }
            var credential = stored is null ? null : credentials.Resolve(stored);
            alert.Credential = null; // the target carries the decrypted values once, not the ciphertext as well
            alert.WebhookHeaders = WebhookHeaderSecrets.Reveal(headerProtector, alert.WebhookHeaders);
            target = new DeliveryTarget(alert, credential);
        }

        // Kept only if the rows did not change around the load, so that the kept target is the one these rows describe
        // (versions only go up: unchanged before and after means unchanged in between).
        if (ReferenceEquals(ReadRow(alertId, row), row))
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

    /// <summary>The rows as stored now: <paramref name="known"/> itself when they match it byte for byte, null when the alert is gone.</summary>
    private Row? ReadRow(int alertId, Row? known)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!idle.TryTake(out var reader))
        {
            reader = new RowReader(DedicatedConnection.Open(dbFactory));
        }
        try
        {
            var row = reader.Read(alertId, known);
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

    public void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var reader))
        {
            reader.Dispose();
        }
        cache.Clear();
    }

    private sealed record Entry(Row Row, DeliveryTarget Target);

    /// <summary>Both rows as SQLite stores them: each column's storage class and value (long, double, the bytes of a TEXT or BLOB, or null).</summary>
    private sealed class Row(int[] types, object?[] values)
    {
        public int[] Types { get; } = types;
        public object?[] Values { get; } = values;
    }

    /// <summary>
    /// One connection with the row statement prepared on it; used by one caller at a time. It works on SQLite's own API
    /// (the connection's handle): a row that matches the kept one is compared in place, byte for byte, with nothing
    /// allocated — Microsoft.Data.Sqlite's reader would decode every column (ciphertexts included) into new strings
    /// on every delivery (the bench: about 20 us of a ~180 us delivery).
    /// </summary>
    private sealed class RowReader : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly sqlite3_stmt statement;

        public RowReader(SqliteConnection connection)
        {
            this.connection = connection;
            Check(raw.sqlite3_prepare_v2(connection.Handle, RowSql, out statement));
        }

        public Row? Read(int alertId, Row? known)
        {
            try
            {
                Check(raw.sqlite3_bind_int64(statement, 1, alertId));
                var rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_DONE)
                {
                    return null;
                }
                if (rc != raw.SQLITE_ROW)
                {
                    Check(rc);
                }
                return known is not null && Matches(known) ? known : Snapshot();
            }
            finally
            {
                raw.sqlite3_reset(statement); // ends the read transaction
            }
        }

        private bool Matches(Row row)
        {
            var count = raw.sqlite3_column_count(statement);
            if (count != row.Types.Length)
            {
                return false;
            }
            for (var i = 0; i < count; i++)
            {
                var type = raw.sqlite3_column_type(statement, i);
                if (type != row.Types[i])
                {
                    return false;
                }
                var same = type switch
                {
                    raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, i) == (long)row.Values[i]!,
                    raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, i).Equals((double)row.Values[i]!),
                    raw.SQLITE_NULL => true,
                    _ => raw.sqlite3_column_blob(statement, i).SequenceEqual((byte[])row.Values[i]!), // TEXT as its stored bytes
                };
                if (!same)
                {
                    return false;
                }
            }
            return true;
        }

        private Row Snapshot()
        {
            var count = raw.sqlite3_column_count(statement);
            var types = new int[count];
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                types[i] = raw.sqlite3_column_type(statement, i);
                values[i] = types[i] switch
                {
                    raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, i),
                    raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, i),
                    raw.SQLITE_NULL => null,
                    _ => raw.sqlite3_column_blob(statement, i).ToArray(),
                };
            }
            return new Row(types, values);
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            }
        }

        public void Dispose()
        {
            statement?.Dispose();
            connection.Dispose();
        }
    }
}
