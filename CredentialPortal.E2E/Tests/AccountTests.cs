using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Tests;

/// <summary>Issue 3, item 1, on an empty database: the first visit offers to create the first administrator.</summary>
public sealed class FirstAdministratorTests(BrowserFixture browser) : PortalTest(browser)
{
    protected override bool SeedAdministrator => false;

    [Fact]
    public async Task Empty_database_offers_setup_then_the_new_administrator_logs_out_and_in_again()
    {
        const string email = "first.admin@portal.test";
        const string password = "Firs7-Admin-Pass";

        // Every page needs a user; with none in the database the log-in page sends the visitor to the setup page.
        await Page.GotoAsync("integrations/webhook-credentials");
        var setup = new SetupPage(Page);
        await setup.ExpectOpenAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/Account/Setup$"));

        await setup.CreateAdministratorAsync(email, password);
        var shell = new AppShell(Page);
        await shell.ExpectLoggedInAsync(email);
        await Page.ReloadAsync();
        await shell.ExpectLoggedInAsync(email);

        await shell.LogOutAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/Account/Login"));

        // Once a user exists the setup page is gone: it sends the visitor to the log-in page.
        await Page.GotoAsync("Account/Setup");
        var login = new LoginPage(Page);
        await login.ExpectOpenAsync();
        await Expect(setup.ConfirmPassword).ToHaveCountAsync(0);

        await login.LogInAsync(email, password);
        await shell.ExpectLoggedInAsync(email);
        var list = await shell.OpenWebhookCredentialsAsync();
        await Expect(list.EmptyState).ToBeVisibleAsync();
    }
}

/// <summary>Issue 3, item 1, with Seed:AdminEmail / Seed:AdminPassword set: log in, log out, lockout.</summary>
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
