using CredentialPortal.Data;
using CredentialPortal.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Features.Audit;

/// <summary>
/// Log-ins, failed log-ins and lockouts in the audit trail. Nobody is signed in yet, so the actor is the email as typed
/// (known or not); the password never reaches an entry.
/// </summary>
public sealed class LoginAudit(IDbContextFactory<PortalDbContext> dbFactory, AuditTrail audit, ActorAccessor actors)
{
    public const string LoggedIn = "user.logged-in";
    public const string LoginFailed = "user.login-failed";
    public const string LockedOut = "user.locked-out";

    // The column's length: an email typed longer is cut, not refused.
    private const int NameMaxLength = 256;

    public async Task RecordAsync(string action, string email, ApplicationUser? user)
    {
        var name = email.Trim();
        name = name.Length > NameMaxLength ? name[..NameMaxLength] : name;
        using var scope = actors.Use(new Actor(name.Length == 0 ? "unknown" : name, null, user?.Id));
        await using var db = await dbFactory.CreateDbContextAsync();
        audit.Add(db, action, "user", user?.Id, user?.Email ?? name);
        await db.SaveChangesAsync();
    }
}
