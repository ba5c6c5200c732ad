using CredentialPortal.Components.Account;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CredentialPortal.Tests.Components.Account;

public sealed class LoginAttemptsTests : IDisposable
{
    private const string Account = "ADMIN@PORTAL.TEST";
    private const string Client = "192.0.2.10";

    private readonly FakeTimeProvider time = new();
    private readonly LoginAttempts attempts;

    public LoginAttemptsTests()
    {
        var identity = new IdentityOptions();
        identity.Lockout.MaxFailedAccessAttempts = 5;
        identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
        attempts = new LoginAttempts(time, Options.Create(identity), Options.Create(new LoginOptions { AccountAttemptsPerMinute = 100 }));
    }

    [Fact]
    public void The_fifth_failure_in_a_row_locks_for_five_minutes_then_the_lockout_ends()
    {
        for (var failure = 1; failure <= 4; failure++)
        {
            Assert.False(attempts.RecordFailure(Account, Client));
        }
        Assert.False(attempts.IsLockedOut(Account, Client));

        Assert.True(attempts.RecordFailure(Account, Client));
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.True(attempts.IsLockedOut(Account, Client));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(attempts.IsLockedOut(Account, Client));
    }

    [Fact]
    public void A_lockout_holds_for_its_client_only()
    {
        for (var failure = 1; failure <= 5; failure++)
        {
            attempts.RecordFailure(Account, Client);
        }

        Assert.True(attempts.IsLockedOut(Account, Client));
        Assert.False(attempts.IsLockedOut(Account, "192.0.2.11"));
        Assert.False(attempts.IsLockedOut("OTHER@PORTAL.TEST", Client));
    }

    [Fact]
    public void A_success_starts_the_count_again()
    {
        for (var failure = 1; failure <= 4; failure++)
        {
            attempts.RecordFailure(Account, Client);
        }
        attempts.RecordSuccess(Account, Client);

        for (var failure = 1; failure <= 4; failure++)
        {
            Assert.False(attempts.RecordFailure(Account, Client));
        }
        Assert.False(attempts.IsLockedOut(Account, Client));
    }

    public void Dispose() => attempts.Dispose();
}
