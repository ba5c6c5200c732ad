using CredentialPortal.Components.Account;
using CredentialPortal.Data;
using CredentialPortal.Features.Audit;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Audit;

/// <summary>Log-ins through the portal's own log-in rules, in the whole app: the entry's actor is the email as typed.</summary>
public sealed class LoginAuditTests : IAsyncLifetime
{
    private const string Email = "operator@example.com";
    private const string Password = "Correct-horse-battery-9";
    private const string WrongPassword = "Wrong-password-for-audit-7";

    private readonly ApiHost host = new();
    private string userId = "";

    public async Task InitializeAsync()
    {
        using var scope = host.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = Email, Email = Email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        userId = user.Id;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<LoginOutcome> LogInAsync(string email, string password)
    {
        using var scope = host.Services.CreateScope();
        // Signing in writes a cookie to the request's response: a request of its own.
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        return await scope.ServiceProvider.GetRequiredService<PasswordLogin>().LogInAsync(email, password, isPersistent: false, client: "203.0.113.9");
    }

    private async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.ObjectType == "user").OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task A_log_in_a_failed_one_and_an_unknown_email_are_recorded_under_the_email_typed_without_the_password()
    {
        Assert.Equal(LoginOutcome.Invalid, await LogInAsync(Email, WrongPassword));
        Assert.Equal(LoginOutcome.Invalid, await LogInAsync("nobody@example.com", WrongPassword));
        Assert.Equal(LoginOutcome.SignedIn, await LogInAsync(Email, Password));

        var entries = await EntriesAsync();
        Assert.Equal(
            [
                ("user.login-failed", Email, userId, userId),
                ("user.login-failed", "nobody@example.com", null, null),
                ("user.logged-in", Email, userId, userId),
            ],
            entries.Select(e => (e.Action, e.Actor, e.ActorUserId, e.ObjectId)));
        Assert.All(entries, e => Assert.DoesNotContain("password", (e.Changes ?? "").ToLowerInvariant()));
        var text = string.Join("|", entries.Select(e => $"{e.Actor}{e.ObjectName}{e.Changes}"));
        Assert.DoesNotContain(WrongPassword, text);
        Assert.DoesNotContain(Password, text);
    }

    [Fact]
    public async Task The_fifth_wrong_password_in_a_row_is_recorded_as_a_lockout()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(LoginOutcome.Invalid, await LogInAsync(Email, WrongPassword));
        }
        Assert.Equal(LoginOutcome.LockedOut, await LogInAsync(Email, WrongPassword));

        var entries = await EntriesAsync();
        Assert.Equal([.. Enumerable.Repeat("user.login-failed", 4), "user.locked-out"], entries.Select(e => e.Action));
        Assert.Equal((Email, userId), (entries[^1].Actor, entries[^1].ObjectId));
    }
}
