namespace CredentialPortal.E2E.Pages;

/// <summary>/Account/Setup: offered while the portal has no user, to create the first administrator with the setup code.</summary>
public sealed class SetupPage(IPage page) : PortalPage(page)
{
    public override string Path => "Account/Setup";

    public ILocator SetupCode => Page.GetByLabel("Setup code", new() { Exact = true });

    /// <summary>The message shown beside the Setup code field.</summary>
    public ILocator SetupCodeMessage => Page.Locator(".account-field", new() { Has = SetupCode }).Locator(".validation-message");

    public ILocator Email => Page.GetByLabel("Email", new() { Exact = true });

    public ILocator Password => Page.GetByLabel("Password", new() { Exact = true });

    /// <summary>The message shown beside the Password field.</summary>
    public ILocator PasswordMessage => Page.Locator(".account-field", new() { Has = Password }).Locator(".validation-message");

    public ILocator ConfirmPassword => Page.GetByLabel("Confirm password", new() { Exact = true });

    public ILocator CreateButton => Page.GetByRole(AriaRole.Button, new() { Name = "Create administrator", Exact = true });

    public override Task ExpectOpenAsync() => Expect(Heading("Create the first administrator")).ToBeVisibleAsync();

    public async Task CreateAdministratorAsync(string? setupCode, string email, string password)
    {
        await SetupCode.FillAsync(setupCode ?? "");
        await Email.FillAsync(email);
        await Password.FillAsync(password);
        await ConfirmPassword.FillAsync(password);
        await CreateButton.ClickAsync();
    }
}
