using CredentialPortal.Data;
using CredentialPortal.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Users;

/// <summary>
/// Owns the rules about portal users: who may manage them (administrators), one role each, disabling instead of
/// deleting, and that the last enabled administrator stays. Each change and its audit entry commit in one transaction;
/// a change that alters what a user may do gives the user a new security stamp, which ends their sessions.
/// </summary>
/// <remarks>
/// A singleton over a fresh scope per operation: Identity's stores use the scoped context, and a Blazor circuit's scope
/// would keep one context (and its tracked users) alive for as long as the page is open.
/// </remarks>
public sealed class UsersService(
    IServiceScopeFactory scopes,
    AuditTrail audit,
    UserSessions sessions,
    ActorAccessor actors)
{
    public const string LastAdministrator =
        "This is the last enabled Administrator: make another user an Administrator first, so that someone can still manage the portal.";

    public const string NotYourself = "You cannot disable your own account; another Administrator can.";

    // The last-administrator check and the change it guards run one at a time: on this instance (a singleton) by this
    // semaphore, and across instances (PostgreSQL) by an advisory lock held until the change commits.
    private readonly SemaphoreSlim administratorsLock = new(1, 1);

    /// <summary>The key of the transaction-level advisory lock around a change that could leave no Administrator.</summary>
    private const long AdministratorsLockKey = 0x43505F61646D696E; // "CP_admin"

    private static async Task AdministratorsLockAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdministratorsLockKey})", cancellationToken);
        }
    }

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Administrator);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = await db.Users.AsNoTracking()
            .OrderBy(u => u.Email)
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.IsDisabled,
                Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, r => r.RoleId, role => role.Id, (r, role) => role.Name).ToList(),
            })
            .ToListAsync(cancellationToken);
        return users.Select(u => new UserRow(u.Id, u.Email ?? "", HighestOf(u.Roles), u.IsDisabled)).ToList();
    }

    public async Task<UserChange> CreateAsync(NewUserInput input, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Administrator);
        var errors = UserRules.Validate(input);
        if (errors.Count > 0)
        {
            return UserChange.Invalid(errors);
        }

        var email = input.Email.Trim();
        await using var scope = scopes.CreateAsyncScope();
        var (db, users) = Services(scope);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        // Added before Identity's save, so that it commits with the user.
        audit.Add(db, "user.created", "user", user.Id, email, [new AuditChange("Role", To: input.Role)]);
        var created = await users.CreateAsync(user, input.Password);
        if (!created.Succeeded)
        {
            return UserChange.Invalid(ErrorsOf(created));
        }
        Check(await users.AddToRoleAsync(user, input.Role));
        await transaction.CommitAsync(cancellationToken);
        return UserChange.Saved;
    }

    public async Task<UserChange> ChangeRoleAsync(string userId, string role, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Administrator);
        if (UserRules.RoleError(role) is { } roleError)
        {
            return UserChange.Invalid(new Dictionary<string, string[]> { [nameof(NewUserInput.Role)] = [roleError] });
        }

        await administratorsLock.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var (db, users) = Services(scope);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await AdministratorsLockAsync(db, cancellationToken);
            if (await users.FindByIdAsync(userId) is not { } user)
            {
                return UserChange.NotFound;
            }
            var current = await users.GetRolesAsync(user);
            var from = HighestOf(current);
            if (from == role && current.Count == 1)
            {
                return UserChange.Saved;
            }
            if (from == PortalRoles.Administrator && !user.IsDisabled && await EnabledAdministratorsAsync(db, cancellationToken) <= 1)
            {
                return UserChange.Refused(LastAdministrator);
            }

            audit.Add(db, "user.role-changed", "user", user.Id, user.Email, [new AuditChange("Role", from, role)]);
            Check(await users.RemoveFromRolesAsync(user, current));
            Check(await users.AddToRoleAsync(user, role));
            // Their sessions carry the old role: they end, and the next sign-in carries the new one.
            Check(await users.UpdateSecurityStampAsync(user));
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            administratorsLock.Release();
        }
        sessions.End(userId);
        return UserChange.Saved;
    }

    /// <summary>A disabled user cannot sign in and their sessions end; enabling lets them sign in again.</summary>
    public async Task<UserChange> SetDisabledAsync(string userId, bool disabled, CancellationToken cancellationToken = default)
    {
        var actor = actors.Require(PortalRoles.Administrator);
        if (disabled && actor.UserId == userId)
        {
            return UserChange.Refused(NotYourself);
        }

        await administratorsLock.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var (db, users) = Services(scope);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await AdministratorsLockAsync(db, cancellationToken);
            if (await users.FindByIdAsync(userId) is not { } user)
            {
                return UserChange.NotFound;
            }
            if (user.IsDisabled == disabled)
            {
                return UserChange.Saved;
            }
            if (disabled && await users.IsInRoleAsync(user, PortalRoles.Administrator)
                && await EnabledAdministratorsAsync(db, cancellationToken) <= 1)
            {
                return UserChange.Refused(LastAdministrator);
            }

            user.IsDisabled = disabled;
            audit.Add(db, disabled ? "user.disabled" : "user.enabled", "user", user.Id, user.Email,
                [new AuditChange("Status", disabled ? "Enabled" : "Disabled", disabled ? "Disabled" : "Enabled")]);
            // Saves the flag with a new stamp: every session of a disabled user ends.
            Check(await users.UpdateSecurityStampAsync(user));
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            administratorsLock.Release();
        }
        if (disabled)
        {
            sessions.End(userId);
        }
        return UserChange.Saved;
    }

    /// <summary>The administrator sets a new password; the user's sessions end. The audit entry never holds it.</summary>
    public async Task<UserChange> ResetPasswordAsync(string userId, PasswordResetInput input, CancellationToken cancellationToken = default)
    {
        actors.Require(PortalRoles.Administrator);
        var errors = UserRules.Validate(input);
        if (errors.Count > 0)
        {
            return UserChange.Invalid(errors);
        }

        await using var scope = scopes.CreateAsyncScope();
        var (db, users) = Services(scope);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return UserChange.NotFound;
        }
        audit.Add(db, "user.password-reset", "user", user.Id, user.Email, [AuditChange.OfSecret("Password")]);
        // Identity's reset checks the password rules and gives the user a new security stamp.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, input.Password);
        if (!reset.Succeeded)
        {
            return UserChange.Invalid(new Dictionary<string, string[]>
            {
                [nameof(PasswordResetInput.Password)] = reset.Errors.Select(e => e.Description).ToArray(),
            });
        }
        await transaction.CommitAsync(cancellationToken);
        sessions.End(userId);
        return UserChange.Saved;
    }

    /// <summary>The role that counts when a user holds several (none should): the highest.</summary>
    public static string HighestOf(IEnumerable<string?> roles) => roles.MaxBy(PortalRoles.Rank) ?? PortalRoles.Viewer;

    private static Task<int> EnabledAdministratorsAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        db.UserRoles.Where(r => r.RoleId == PortalRoles.AdministratorId)
            .Join(db.Users.Where(u => !u.IsDisabled), r => r.UserId, u => u.Id, (r, u) => u.Id)
            .CountAsync(cancellationToken);

    private static (PortalDbContext Db, UserManager<ApplicationUser> Users) Services(AsyncServiceScope scope) =>
        (scope.ServiceProvider.GetRequiredService<PortalDbContext>(), scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>());

    /// <summary>Identity's messages, each beside the field it is about.</summary>
    private static Dictionary<string, string[]> ErrorsOf(IdentityResult result) =>
        result.Errors
            .GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(NewUserInput.Password) : nameof(NewUserInput.Email))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Code is "DuplicateUserName" or "DuplicateEmail"
                ? "A user with this email already exists." : e.Description).Distinct().ToArray());

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
