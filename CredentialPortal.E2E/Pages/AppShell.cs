namespace CredentialPortal.E2E.Pages;

/// <summary>The layout around every signed-in page: app bar (user, Log out) and the navigation.</summary>
public sealed class AppShell(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator LogOutButton => Page.GetByRole(AriaRole.Button, new() { Name = "Log out", Exact = true });

    /// <summary>The app bar's palette switch: a toggle button (aria-pressed) named Dark mode.</summary>
    public ILocator DarkModeToggle => Page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Dark mode", Exact = true });

    /// <summary>At phone width: the app bar's account menu (email, Change password, Log out).</summary>
    public ILocator AccountMenuButton => Page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Account", Exact = true });

    public ILocator MenuItem(string name) => Page.GetByRole(AriaRole.Menuitem, new() { Name = name, Exact = true });

    /// <summary>The brand in the app bar.</summary>
    public ILocator Brand => Page.GetByRole(AriaRole.Banner).GetByText("CredentialPortal", new() { Exact = true });

    /// <summary>Whether the page shows the dark palette (the layout says which one it renders).</summary>
    public ILocator DarkPalette => Page.Locator("[data-theme=dark]");

    public ILocator Navigation => Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    /// <summary>A group's toggle carries the group's name (e.g. "Toggle Integrations").</summary>
    public ILocator NavGroup(string name) => Navigation.GetByRole(AriaRole.Button, new() { Name = name });

    public ILocator NavLink(string name) => Navigation.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public async Task ExpectLoggedInAsync(string email)
    {
        await Expect(LogOutButton).ToBeVisibleAsync();
        await Expect(Page.GetByText(email, new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-interactive=true]")).ToBeAttachedAsync();
    }

    public async Task LogOutAsync()
    {
        await LogOutButton.ClickAsync();
        await new LoginPage(Page).ExpectOpenAsync();
    }

    /// <summary>Integrations › Webhook Credentials, through the navigation as a person would.</summary>
    public async Task<CredentialsListPage> OpenWebhookCredentialsAsync()
    {
        var link = NavLink("Webhook Credentials");
        if (!await link.IsVisibleAsync())
        {
            await NavGroup("Integrations").ClickAsync();
        }
        await link.ClickAsync();
        var list = new CredentialsListPage(Page);
        await list.ExpectOpenAsync();
        return list;
    }

    /// <summary>Flexible Actions › Platform Events, through the navigation.</summary>
    public Task<AlertListPage> OpenPlatformEventsAsync() => OpenAlertsAsync(AlertListPage.PlatformEvents);

    /// <summary>Flexible Actions › Runtime Alerts, through the navigation.</summary>
    public Task<AlertListPage> OpenRuntimeAlertsAsync() => OpenAlertsAsync(AlertListPage.RuntimeAlerts);

    private async Task<AlertListPage> OpenAlertsAsync(string title)
    {
        var link = NavLink(title);
        if (!await link.IsVisibleAsync())
        {
            await NavGroup("Flexible Actions").ClickAsync();
        }
        await link.ClickAsync();
        var list = new AlertListPage(Page, title);
        await list.ExpectOpenAsync();
        return list;
    }
}
