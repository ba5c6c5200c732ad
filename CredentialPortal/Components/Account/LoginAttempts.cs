using System.Threading.RateLimiting;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Components.Account;

/// <summary>
/// Log-in attempts per account and client address: a per-minute limit and the lockout after the fifth wrong password
/// in a row (Identity's lockout settings). Keyed by the client as well as the account, so that nobody can keep an
/// account's owner out by failing on purpose from elsewhere; keyed by the email as typed, known or not, so that the
/// answers never tell whether an account exists. Kept in memory: restarting the portal lifts every lockout.
/// </summary>
public sealed class LoginAttempts : IDisposable
{
    // Forgotten this long after the last failure, so that the table cannot grow without end.
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(30);

    private readonly TimeProvider time;
    private readonly LockoutOptions lockout;
    private readonly PartitionedRateLimiter<string> perMinute;
    private readonly Dictionary<string, Failures> failures = [];
    private readonly Lock gate = new();
    private DateTimeOffset lastPrune;

    public LoginAttempts(TimeProvider time, IOptions<IdentityOptions> identity, IOptions<LoginOptions> login)
    {
        this.time = time;
        lockout = identity.Value.Lockout;
        var limit = login.Value.AccountAttemptsPerMinute;
        perMinute = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>Takes one attempt from the account's per-minute allowance for this client; false when none is left.</summary>
    public bool TryAcquire(string account, string client)
    {
        using var lease = perMinute.AttemptAcquire(Key(account, client));
        return lease.IsAcquired;
    }

    public bool IsLockedOut(string account, string client)
    {
        lock (gate)
        {
            return failures.TryGetValue(Key(account, client), out var entry) && entry.LockedUntil > time.GetUtcNow();
        }
    }

    /// <summary>Counts a wrong password; true when this one locks the account for this client.</summary>
    public bool RecordFailure(string account, string client)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            Prune(now);
            var key = Key(account, client);
            var count = (failures.TryGetValue(key, out var entry) ? entry.Count : 0) + 1;
            if (count >= lockout.MaxFailedAccessAttempts)
            {
                failures[key] = new Failures(0, now, now + lockout.DefaultLockoutTimeSpan);
                return true;
            }
            failures[key] = new Failures(count, now, DateTimeOffset.MinValue);
            return false;
        }
    }

    public void RecordSuccess(string account, string client)
    {
        lock (gate)
        {
            failures.Remove(Key(account, client));
        }
    }

    private void Prune(DateTimeOffset now)
    {
        if (now - lastPrune < TimeSpan.FromMinutes(1))
        {
            return;
        }
        lastPrune = now;
        foreach (var (key, entry) in failures)
        {
            if (now - entry.LastFailure > Retention && entry.LockedUntil <= now)
            {
                failures.Remove(key);
            }
        }
    }

    private static string Key(string account, string client) => account + "\n" + client;

    public void Dispose() => perMinute.Dispose();

    private sealed record Failures(int Count, DateTimeOffset LastFailure, DateTimeOffset LockedUntil);
}
