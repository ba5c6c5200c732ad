namespace CredentialPortal.E2E.Pages;

/// <summary>/Account/Manage/ChangePassword: Old password, New password, Confirm password, Update password.</summary>
public sealed class ChangePasswordPage(IPage page) : PortalPage(page)
{
    public override string Path => "Account/Manage/ChangePassword";

    public ILocator OldPassword => Page.GetByLabel("Old password", new() { Exact = true });

    public ILocator NewPassword => Page.GetByLabel("New password", new() { Exact = true });

    public ILocator ConfirmPassword => Page.GetByLabel("Confirm password", new() { Exact = true });

    /// <summary>The messages shown beside the Old password and New password fields.</summary>
    public ILocator OldPasswordMessage => Page.Locator(".account-field", new() { Has = OldPassword }).Locator(".validation-message");

    public ILocator NewPasswordMessage => Page.Locator(".account-field", new() { Has = NewPassword }).Locator(".validation-message");

    public ILocator UpdateButton => Page.GetByRole(AriaRole.Button, new() { Name = "Update password", Exact = true });

    public ILocator Status => Page.GetByRole(AriaRole.Alert);

    public override Task ExpectOpenAsync() => Expect(Heading("Change password")).ToBeVisibleAsync();

    public async Task ChangeAsync(string oldPassword, string newPassword)
    {
        await OldPassword.FillAsync(oldPassword);
        await NewPassword.FillAsync(newPassword);
        await ConfirmPassword.FillAsync(newPassword);
        await UpdateButton.ClickAsync();
    }
}
