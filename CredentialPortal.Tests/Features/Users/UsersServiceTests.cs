using CredentialPortal.Components.Account;
using CredentialPortal.Data;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Users;

/// <summary>The Users page's rules over the whole app's Identity: roles, disable, reset, the last administrator, the audit rows.</summary>
public sealed class UsersServiceTests : IAsyncLifetime
{
    private const string Password = "Correct-Horse-Battery-9";

    private readonly ApiHost host = new();
    private string adminId = "";

    private UsersService Users => host.Service<UsersService>();

    private ActorAccessor Actors => host.Service<ActorAccessor>();

    public async Task InitializeAsync()
    {
        _ = host.Server; // starts the app: migrated, seeded
        adminId = await CreateAsync("admin@portal.test", PortalRoles.Administrator);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private IDisposable AsAdministrator() => Actors.Use(new Actor("admin@portal.test", PortalRoles.Administrator, UserId: adminId));

    private async Task<string> CreateAsync(string email, string role)
    {
        using (AsAdministrator())
        {
            var created = await Users.CreateAsync(new NewUserInput { Email = email, Password = Password, Role = role });
            Assert.True(created.Succeeded, string.Join(" ", created.Errors?.SelectMany(e => e.Value) ?? [created.Message ?? ""]));
        }
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    private async Task<UserRow> RowAsync(string id)
    {
        using (AsAdministrator())
        {
            return (await Users.ListAsync()).Single(u => u.Id == id);
        }
    }

    private async Task<List<AuditEntry>> AuditAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await db.AuditEntries.AsNoTracking().Where(e => e.ObjectType == "user").OrderBy(e => e.Id).ToListAsync();
    }

    private async Task<string?> StampAsync(string id)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetSecurityStampAsync((await users.FindByIdAsync(id))!);
    }

    [Fact]
    public async Task A_new_user_gets_the_role_chosen_and_an_audit_row_without_the_password()
    {
        var id = await CreateAsync("viewer@portal.test", PortalRoles.Viewer);

        Assert.Equal(new UserRow(id, "viewer@portal.test", PortalRoles.Viewer, false), await RowAsync(id));
        var entry = (await AuditAsync()).Last();
        Assert.Equal(("user.created", id, "viewer@portal.test", "admin@portal.test"), (entry.Action, entry.ObjectId, entry.ObjectName, entry.Actor));
        Assert.Equal([new AuditChange("Role", null, PortalRoles.Viewer)], AuditTrail.ChangesOf(entry.Changes));
        Assert.All(await AuditAsync(), e => Assert.DoesNotContain(Password, e.Changes ?? ""));
    }

    [Fact]
    public async Task Bad_input_is_named_beside_its_field_and_nothing_is_saved()
    {
        var audit = (await AuditAsync()).Count;
        using (AsAdministrator())
        {
            var invalid = await Users.CreateAsync(new NewUserInput { Email = "not an email", Password = "", Role = "Owner" });
            Assert.Equal(UserChangeStatus.Invalid, invalid.Status);
            Assert.Equal(["Email", "Password", "Role"], invalid.Errors!.Keys.Order());

            var weak = await Users.CreateAsync(new NewUserInput { Email = "weak@portal.test", Password = "short", Role = PortalRoles.Editor });
            Assert.Equal(["Password"], weak.Errors!.Keys);

            var taken = await Users.CreateAsync(new NewUserInput { Email = "admin@portal.test", Password = Password, Role = PortalRoles.Editor });
            Assert.Equal("A user with this email already exists.", Assert.Single(taken.Errors!["Email"]));

            Assert.Single(await Users.ListAsync());
        }
        Assert.Equal(audit, (await AuditAsync()).Count);
    }

    [Fact]
    public async Task A_role_change_is_audited_from_and_to_and_ends_the_users_sessions()
    {
        var id = await CreateAsync("editor@portal.test", PortalRoles.Editor);
        var stamp = await StampAsync(id);
        var ended = new List<string>();
        host.Service<UserSessions>().Ended += ended.Add;

        using (AsAdministrator())
        {
            Assert.True((await Users.ChangeRoleAsync(id, PortalRoles.Viewer)).Succeeded);
        }

        Assert.Equal(PortalRoles.Viewer, (await RowAsync(id)).Role);
        Assert.NotEqual(stamp, await StampAsync(id));
        Assert.Equal([id], ended);
        var entry = (await AuditAsync()).Last();
        Assert.Equal(("user.role-changed", id), (entry.Action, entry.ObjectId));
        Assert.Equal([new AuditChange("Role", PortalRoles.Editor, PortalRoles.Viewer)], AuditTrail.ChangesOf(entry.Changes));
    }

    [Fact]
    public async Task The_last_enabled_administrator_can_be_neither_demoted_nor_disabled()
    {
        var audit = (await AuditAsync()).Count;
        using (AsAdministrator())
        {
            var demoted = await Users.ChangeRoleAsync(adminId, PortalRoles.Editor);
            Assert.Equal((UserChangeStatus.Refused, UsersService.LastAdministrator), (demoted.Status, demoted.Message));
        }
        // Another administrator acting, so that the "not yourself" rule is not what refuses.
        using (Actors.Use(new Actor("other@portal.test", PortalRoles.Administrator, UserId: "other")))
        {
            var disabled = await Users.SetDisabledAsync(adminId, true);
            Assert.Equal((UserChangeStatus.Refused, UsersService.LastAdministrator), (disabled.Status, disabled.Message));
        }
        Assert.Equal(new UserRow(adminId, "admin@portal.test", PortalRoles.Administrator, false), await RowAsync(adminId));
        Assert.Equal(audit, (await AuditAsync()).Count);
    }

    [Fact]
    public async Task With_two_enabled_administrators_one_may_be_demoted_then_the_other_is_the_last()
    {
        var second = await CreateAsync("second@portal.test", PortalRoles.Administrator);
        using (AsAdministrator())
        {
            Assert.True((await Users.SetDisabledAsync(second, true)).Succeeded);
            // A disabled administrator does not count: the first is the last enabled one.
            Assert.Equal(UserChangeStatus.Refused, (await Users.ChangeRoleAsync(adminId, PortalRoles.Viewer)).Status);
            Assert.True((await Users.SetDisabledAsync(second, false)).Succeeded);
            Assert.True((await Users.ChangeRoleAsync(adminId, PortalRoles.Viewer)).Succeeded);
            Assert.Equal(UserChangeStatus.Refused, (await Users.ChangeRoleAsync(second, PortalRoles.Editor)).Status);
        }
        Assert.Equal(["user.disabled", "user.enabled", "user.role-changed"], (await AuditAsync()).Select(e => e.Action).TakeLast(3));
    }

    [Fact]
    public async Task An_administrator_cannot_disable_their_own_account()
    {
        await CreateAsync("second@portal.test", PortalRoles.Administrator);
        using (AsAdministrator())
        {
            var refused = await Users.SetDisabledAsync(adminId, true);
            Assert.Equal((UserChangeStatus.Refused, UsersService.NotYourself), (refused.Status, refused.Message));
        }
    }

    [Fact]
    public async Task A_reset_password_works_at_once_ends_the_sessions_and_is_audited_without_it()
    {
        var id = await CreateAsync("editor@portal.test", PortalRoles.Editor);
        var stamp = await StampAsync(id);
        const string newPassword = "Another-Long-Passphrase-7";
        using (AsAdministrator())
        {
            var weak = await Users.ResetPasswordAsync(id, new PasswordResetInput { Password = "short" });
            Assert.Equal(["Password"], weak.Errors!.Keys);
            Assert.True((await Users.ResetPasswordAsync(id, new PasswordResetInput { Password = newPassword })).Succeeded);
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByIdAsync(id))!;
            Assert.True(await users.CheckPasswordAsync(user, newPassword));
            Assert.False(await users.CheckPasswordAsync(user, Password));
        }
        Assert.NotEqual(stamp, await StampAsync(id));
        var audit = await AuditAsync();
        Assert.Equal("user.password-reset", audit.Last().Action);
        Assert.Single(audit, e => e.Action == "user.password-reset");
        Assert.All(audit, e => Assert.DoesNotContain(newPassword, e.Changes ?? ""));
        Assert.Equal([AuditChange.OfSecret("Password")], AuditTrail.ChangesOf(audit.Last().Changes));
    }

    [Theory]
    [InlineData(PortalRoles.Editor)]
    [InlineData(PortalRoles.Viewer)]
    public async Task Only_administrators_manage_users(string role)
    {
        var id = await CreateAsync("someone@portal.test", PortalRoles.Viewer);
        var audit = (await AuditAsync()).Count;
        using (Actors.Use(new Actor("x@portal.test", role, UserId: "x")))
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => Users.ListAsync());
            await Assert.ThrowsAsync<ForbiddenException>(() => Users.CreateAsync(new NewUserInput { Email = "new@portal.test", Password = Password }));
            await Assert.ThrowsAsync<ForbiddenException>(() => Users.ChangeRoleAsync(id, PortalRoles.Administrator));
            await Assert.ThrowsAsync<ForbiddenException>(() => Users.SetDisabledAsync(id, true));
            await Assert.ThrowsAsync<ForbiddenException>(() => Users.ResetPasswordAsync(id, new PasswordResetInput { Password = Password }));
        }
        Assert.Equal(audit, (await AuditAsync()).Count);
        Assert.Equal(new UserRow(id, "someone@portal.test", PortalRoles.Viewer, false), await RowAsync(id));
    }
}
