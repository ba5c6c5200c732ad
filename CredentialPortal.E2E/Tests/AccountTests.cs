using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Tests;

/// <summary>With Seed:AdminEmail / Seed:AdminPassword set: log in, log out, lockout.</summary>
public sealed class AccountTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task Seeded_administrator_logs_in_and_out()
    {
        var login = new LoginPage(Page);
        await login.GotoAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/Account/Login$"));

        await login.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);
        var shell = new AppShell(Page);
        await shell.ExpectLoggedInAsync(PortalApplication.AdminEmail);

        await Expect(shell.NavGroup("Integrations")).ToBeVisibleAsync();
        var list = await shell.OpenWebhookCredentialsAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/integrations/webhook-credentials$"));
        await list.ReloadAsync();
        await shell.ExpectLoggedInAsync(PortalApplication.AdminEmail);

        await shell.LogOutAsync();
        await Page.GotoAsync(list.Path);
        await login.ExpectOpenAsync();
        await Expect(shell.LogOutButton).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Fifth_wrong_password_locks_the_account_even_against_the_right_password()
    {
        var login = new LoginPage(Page);
        await login.GotoAsync();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await login.LogInAsync(PortalApplication.AdminEmail, $"wrong-password-{attempt}");
            await Expect(login.Error).ToContainTextAsync("Invalid login attempt");
            await login.ExpectOpenAsync();
        }

        await login.LogInAsync(PortalApplication.AdminEmail, "wrong-password-5");
        var lockout = new LockoutPage(Page);
        await lockout.ExpectOpenAsync();
        await Expect(lockout.Message).ToContainTextAsync("5 minutes");

        // Right after, the right password is refused as well.
        await login.GotoAsync();
        await login.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);
        await lockout.ExpectOpenAsync();
        await Page.GotoAsync("integrations/webhook-credentials");
        await login.ExpectOpenAsync();
    }
}
