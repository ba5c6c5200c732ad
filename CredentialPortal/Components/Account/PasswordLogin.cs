using CredentialPortal.Data;
using CredentialPortal.Features.Audit;
using Microsoft.AspNetCore.Identity;

namespace CredentialPortal.Components.Account;

public enum LoginOutcome
{
    SignedIn,
    Invalid,
    LockedOut,
    TooManyAttempts,
}

/// <summary>
/// The log-in rules: per-account throttling, lockout per account and client, and one answer in one time for an
/// unknown email, a wrong password and a locked account (every path verifies a password hash before it answers).
/// </summary>
public sealed class PasswordLogin(
    UserManager<ApplicationUser> users,
    SignInManager<ApplicationUser> signIn,
    IPasswordHasher<ApplicationUser> hasher,
    LoginAttempts attempts,
    ILogger<PasswordLogin> logger,
    LoginAudit audit)
{
    // A hash of nothing anyone knows, made by the same hasher (same work factor) as the real ones.
    private static readonly Lock DecoyGate = new();
    private static string? decoyHash;

    public async Task<LoginOutcome> LogInAsync(string email, string password, bool isPersistent, string client)
    {
        var account = users.NormalizeEmail(email) ?? "";
        if (!attempts.TryAcquire(account, client))
        {
            logger.LogWarning("Log-in attempts over the per-minute limit for one account from {Client}.", client);
            return LoginOutcome.TooManyAttempts;
        }

        var user = await users.FindByEmailAsync(email);
        var passwordMatches = user is null
            ? VerifyDecoy(password)
            : await users.CheckPasswordAsync(user, password);

        if (attempts.IsLockedOut(account, client))
        {
            await audit.RecordAsync(LoginAudit.LoginFailed, email, user);
            return LoginOutcome.LockedOut;
        }
        // A disabled account gets the same answer as a wrong password: nothing tells a guesser which accounts exist.
        if (user is null || !passwordMatches || user.IsDisabled || !await signIn.CanSignInAsync(user))
        {
            if (attempts.RecordFailure(account, client))
            {
                logger.LogWarning("Log-in locked for one account from {Client} after repeated wrong passwords.", client);
                await audit.RecordAsync(LoginAudit.LockedOut, email, user);
                return LoginOutcome.LockedOut;
            }
            await audit.RecordAsync(LoginAudit.LoginFailed, email, user);
            return LoginOutcome.Invalid;
        }

        attempts.RecordSuccess(account, client);
        await signIn.SignInAsync(user, isPersistent);
        await audit.RecordAsync(LoginAudit.LoggedIn, email, user);
        logger.LogInformation("User logged in.");
        return LoginOutcome.SignedIn;
    }

    private bool VerifyDecoy(string password)
    {
        var decoy = new ApplicationUser();
        lock (DecoyGate)
        {
            decoyHash ??= hasher.HashPassword(decoy, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        }
        hasher.VerifyHashedPassword(decoy, decoyHash, password);
        return false;
    }
}
