namespace CredentialPortal.E2E.Pages;

/// <summary>/Account/Lockout: shown after the fifth wrong password in a row.</summary>
public sealed class LockoutPage(IPage page) : PortalPage(page)
{
    public override string Path => "Account/Lockout";

    public ILocator Message => Page.GetByRole(AriaRole.Alert);

    public override async Task ExpectOpenAsync()
    {
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Lockout$"));
        await Expect(Heading("Locked out")).ToBeVisibleAsync();
    }
}
