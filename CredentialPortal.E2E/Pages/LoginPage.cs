namespace CredentialPortal.E2E.Pages;

/// <summary>/Account/Login: Email, Password, Log in (static server-rendered form).</summary>
public sealed class LoginPage(IPage page) : PortalPage(page)
{
    public override string Path => "Account/Login";

    public ILocator Email => Page.GetByLabel("Email", new() { Exact = true });

    public ILocator Password => Page.GetByLabel("Password", new() { Exact = true });

    public ILocator LogInButton => Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true });

    public ILocator Error => Page.GetByRole(AriaRole.Alert);

    public override Task ExpectOpenAsync() => Expect(Heading("Log in")).ToBeVisibleAsync();

    public async Task LogInAsync(string email, string password)
    {
        await Email.FillAsync(email);
        await Password.FillAsync(password);
        await LogInButton.ClickAsync();
    }
}
