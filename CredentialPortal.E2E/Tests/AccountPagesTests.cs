using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// The account pages wear the app's header and fonts, say the password rules (the app's own Identity options) beside
/// the password field, and Change password sits inside the app's navigation.
/// </summary>
public sealed class AccountPagesTests(BrowserFixture browser) : PortalTest(browser)
{
    private string Rules => CredentialPortal.Components.Account.PasswordRules.Describe(
        App.Services.GetRequiredService<IOptions<IdentityOptions>>().Value.Password);

    [Fact]
    public async Task Log_in_has_the_apps_header_and_fonts()
    {
        var login = new LoginPage(Page);
        await login.GotoAsync();

        var banner = Page.GetByRole(AriaRole.Banner);
        await Expect(banner).ToContainTextAsync("CredentialPortal");
        Assert.True((await banner.BoundingBoxAsync())!.Height >= 56, "the header is the app bar's full height");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Log in");
        var font = await login.Heading("Log in").EvaluateAsync<string>("e => getComputedStyle(e).fontFamily");
        Assert.StartsWith("system-ui", font);
        Assert.Equal(font, await banner.EvaluateAsync<string>("e => getComputedStyle(e).fontFamily"));
    }

    [Fact]
    public async Task Change_password_sits_in_the_navigation_and_a_weak_password_is_refused_beside_its_field_with_the_rules()
    {
        Assert.StartsWith("At least 8 characters", Rules);
        await LogInAndOpenCredentialsAsync();
        var shell = new AppShell(Page);
        await shell.NavLink("Change password").ClickAsync();
        var change = new ChangePasswordPage(Page);
        await change.ExpectOpenAsync();

        await Expect(shell.Navigation).ToBeVisibleAsync();
        await Expect(shell.NavLink("Webhook Credentials")).ToBeVisibleAsync();
        await Expect(shell.LogOutButton).ToBeVisibleAsync();
        await Expect(change.NewPassword).ToHaveAccessibleDescriptionAsync(Rules);

        await change.ChangeAsync(PortalApplication.AdminPassword, "alllowercase");
        await Expect(change.NewPasswordMessage.Filter(new() { HasText = "uppercase" })).ToBeVisibleAsync();
        await Expect(change.NewPassword).ToHaveAttributeAsync("aria-invalid", "true");

        await change.ChangeAsync("not-the-old-one", "Str0nger-Passw0rd!");
        await Expect(change.OldPasswordMessage).ToContainTextAsync("not correct");

        await change.ChangeAsync(PortalApplication.AdminPassword, "Str0nger-Passw0rd!");
        await Expect(change.Status).ToContainTextAsync("Your password has been changed");
    }

    [Fact]
    public async Task Setup_shows_the_rules_beside_the_password_and_refuses_a_weak_one_there()
    {
        await using var fresh = PortalApplication.Start(seedAdministrator: false);
        var setup = new SetupPage(Page);
        await Page.GotoAsync(fresh.BaseUrl + setup.Path);
        await setup.ExpectOpenAsync();
        await Expect(setup.Password).ToHaveAccessibleDescriptionAsync(Rules);

        await setup.CreateAdministratorAsync(fresh.SetupCode, "first@portal.test", "onlylowercase1!");

        await Expect(setup.PasswordMessage.Filter(new() { HasText = "uppercase" })).ToBeVisibleAsync();
        await Expect(setup.Password).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.NotNull(fresh.SetupCode);
    }
}
