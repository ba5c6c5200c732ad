using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Tests;

/// <summary>At phone width (390 × 844) the app bar keeps the brand clear and puts the account in a menu that the keyboard works.</summary>
public sealed class PhoneLayoutTests(BrowserFixture browser) : PortalTest(browser)
{
    private async Task<AppShell> LogInOnAPhoneAsync()
    {
        await Page.SetViewportSizeAsync(390, 844);
        var login = new LoginPage(Page);
        await login.GotoAsync();
        await login.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);
        var shell = new AppShell(Page);
        await Expect(Page.Locator("[data-interactive=true]")).ToBeAttachedAsync();
        await Expect(shell.AccountMenuButton).ToBeVisibleAsync();
        return shell;
    }

    [Fact]
    public async Task The_brand_and_the_account_menu_do_not_collide_and_the_email_waits_in_the_menu()
    {
        var shell = await LogInOnAPhoneAsync();

        var brand = (await shell.Brand.BoundingBoxAsync())!;
        var menu = (await shell.AccountMenuButton.BoundingBoxAsync())!;
        var toggle = (await shell.DarkModeToggle.BoundingBoxAsync())!;
        Assert.True(brand.X + brand.Width <= toggle.X, $"brand ends at {brand.X + brand.Width}, the next control starts at {toggle.X}");
        Assert.True(toggle.X + toggle.Width <= menu.X);
        Assert.True(menu.X + menu.Width <= 390);
        await Expect(Page.GetByText(PortalApplication.AdminEmail, new() { Exact = true })).ToBeHiddenAsync();
        await Expect(shell.LogOutButton).ToBeHiddenAsync();

        await shell.AccountMenuButton.ClickAsync();
        await Expect(shell.MenuItem(PortalApplication.AdminEmail)).ToBeVisibleAsync();
        await Expect(shell.MenuItem("Change password")).ToBeVisibleAsync();
        await Expect(shell.MenuItem("Log out")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Keyboard_only_Tab_to_the_account_menu_Enter_arrow_to_Log_out_Enter_logs_out()
    {
        var shell = await LogInOnAPhoneAsync();

        // Focus starts on the page's heading; Tab walks the page and then the app bar until it reaches the menu.
        await Page.Keyboard.PressAsync("Tab");
        for (var presses = 1; presses < 15 && !await shell.AccountMenuButton.EvaluateAsync<bool>("e => e === document.activeElement"); presses++)
        {
            await Page.Keyboard.PressAsync("Tab");
        }
        await Expect(shell.AccountMenuButton).ToBeFocusedAsync();
        Assert.NotEqual("none", await shell.AccountMenuButton.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));

        await Page.Keyboard.PressAsync("Enter");
        await Expect(shell.MenuItem("Change password")).ToBeVisibleAsync();
        // The arrow keys walk the menu's items (the email is shown, not focusable); Enter picks one. Each press is given
        // time to land before the next: keys sent faster than the focus moves would walk past the item.
        for (var presses = 0; presses < 4; presses++)
        {
            await Page.Keyboard.PressAsync("ArrowDown");
            try
            {
                await Expect(shell.MenuItem("Log out")).ToBeFocusedAsync(new() { Timeout = 1_500 });
                break;
            }
            catch (PlaywrightException)
            {
                // not there yet: the next item
            }
        }
        await Expect(shell.MenuItem("Log out")).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");

        await new LoginPage(Page).ExpectOpenAsync();
        await Page.GotoAsync("integrations/webhook-credentials");
        await new LoginPage(Page).ExpectOpenAsync();
    }

    [Fact]
    public async Task Change_password_from_the_menu_then_Log_out_on_that_static_page()
    {
        var shell = await LogInOnAPhoneAsync();

        await shell.AccountMenuButton.ClickAsync();
        await shell.MenuItem("Change password").ClickAsync();
        var change = new ChangePasswordPage(Page);
        await change.ExpectOpenAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/Account/Manage/ChangePassword$"));

        // The page is static (no circuit): its app bar offers Log out as a plain button, clear of the brand.
        var brand = (await shell.Brand.BoundingBoxAsync())!;
        var logOut = (await shell.LogOutButton.BoundingBoxAsync())!;
        Assert.True(brand.X + brand.Width <= logOut.X);
        await Expect(change.OldPassword).ToBeInViewportAsync();
        await shell.LogOutAsync();
    }
}
