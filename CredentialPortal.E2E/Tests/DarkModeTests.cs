using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Tests;

/// <summary>The palette follows the system until the person chooses with the app bar's toggle; the choice is remembered.</summary>
public sealed class DarkModeTests(BrowserFixture browser) : PortalTest(browser)
{
    private const string DarkBackground = "rgb(50, 51, 61)";
    private const string LightBackground = "rgb(255, 255, 255)";

    private Task<string> BackgroundAsync(IPage? page = null) =>
        (page ?? Page).Locator(".mud-layout").EvaluateAsync<string>("e => getComputedStyle(document.body).backgroundColor");

    [Fact]
    public async Task The_toggle_switches_to_dark_from_the_keyboard_and_the_choice_survives_reload_and_log_out()
    {
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await LogInAndOpenCredentialsAsync();
        var shell = new AppShell(Page);
        await Expect(shell.DarkModeToggle).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.Equal(LightBackground, await BackgroundAsync());

        await shell.DarkModeToggle.FocusAsync();
        await Page.Keyboard.PressAsync("Enter");

        await Expect(shell.DarkModeToggle).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(shell.DarkPalette).ToBeAttachedAsync();
        Assert.Equal(DarkBackground, await BackgroundAsync());
        // The focus ring stays visible on the dark app bar.
        Assert.NotEqual("none", await shell.DarkModeToggle.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));

        var list = new CredentialsListPage(Page);
        await list.ReloadAsync();
        await Expect(shell.DarkModeToggle).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Equal(DarkBackground, await BackgroundAsync());

        // The static pages render in it as well: Change password, and log-in after logging out.
        var change = new ChangePasswordPage(Page);
        await change.GotoAsync();
        Assert.Equal(DarkBackground, await BackgroundAsync());
        await shell.LogOutAsync();
        Assert.Equal(DarkBackground, await BackgroundAsync());
    }

    [Fact]
    public async Task A_dark_system_gets_the_dark_palette_until_the_person_chooses_light()
    {
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await LogInAndOpenCredentialsAsync();
        var shell = new AppShell(Page);

        await Expect(shell.DarkModeToggle).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Equal(DarkBackground, await BackgroundAsync());

        await shell.DarkModeToggle.ClickAsync();
        await Expect(shell.DarkModeToggle).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.Equal(LightBackground, await BackgroundAsync());

        await new CredentialsListPage(Page).ReloadAsync();
        await Expect(shell.DarkModeToggle).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.Equal(LightBackground, await BackgroundAsync());
    }
}
