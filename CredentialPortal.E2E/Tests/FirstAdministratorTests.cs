using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// On an empty database the first visit offers to create the first administrator, with the one-time setup code the
/// portal printed at start-up (so that not just anyone on the network can claim the portal).
/// </summary>
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

        var code = App.SetupCode;
        Assert.NotNull(code);
        await setup.CreateAdministratorAsync(code, email, password);
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

        // The code is spent with the first administrator.
        Assert.Null(App.SetupCode);
    }

    [Fact]
    public async Task A_missing_or_wrong_setup_code_is_refused_beside_its_field_and_no_user_is_created()
    {
        var setup = new SetupPage(Page);
        await setup.GotoAsync();

        await setup.CreateAdministratorAsync(null, "intruder@portal.test", "Intrud3r-Pass");
        await Expect(setup.SetupCodeMessage).ToContainTextAsync("Enter the setup code");

        await setup.CreateAdministratorAsync("WRNG-CODE-0000-0000-0000", "intruder@portal.test", "Intrud3r-Pass");
        await Expect(setup.SetupCodeMessage).ToContainTextAsync("The setup code is not correct");

        // Still no user: the setup page is still offered, and the code still works for the operator.
        await setup.GotoAsync();
        await Expect(setup.SetupCodeMessage).ToHaveCountAsync(0);
        await setup.CreateAdministratorAsync(App.SetupCode!.ToLowerInvariant(), "operator@portal.test", "0perator-Pass");
        await new AppShell(Page).ExpectLoggedInAsync("operator@portal.test");
    }
}
