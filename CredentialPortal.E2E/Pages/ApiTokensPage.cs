namespace CredentialPortal.E2E.Pages;

/// <summary>Settings › API Tokens: the list, New token (form, then the token shown once) and Revoke.</summary>
public sealed class ApiTokensPage(IPage page) : PortalPage(page)
{
    public override string Path => "settings/api-tokens";

    public ILocator NewTokenButton => Page.GetByRole(AriaRole.Button, new() { Name = "New token", Exact = true });

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    public ILocator NameField => Dialog.GetByLabel("Name", new() { Exact = true });

    public ILocator TokenField => Dialog.GetByLabel("Token", new() { Exact = true });

    public ILocator CreateButton => Dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true });

    public ILocator Table => Page.GetByRole(AriaRole.Table);

    public ILocator Row(string name) =>
        Table.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Cell, new() { Name = name, Exact = true }) });

    public ILocator Snackbar(string text) => Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = text });

    public override async Task ExpectOpenAsync()
    {
        await Expect(Heading("API Tokens")).ToBeVisibleAsync();
        await WaitForInteractiveAsync();
        await Expect(Table).ToBeVisibleAsync();
    }

    /// <summary>Settings › API Tokens, through the navigation as a person would.</summary>
    public static async Task<ApiTokensPage> OpenThroughNavigationAsync(AppShell shell)
    {
        var link = shell.NavLink("API Tokens");
        if (!await link.IsVisibleAsync())
        {
            await shell.NavGroup("Settings").ClickAsync();
        }
        await link.ClickAsync();
        var tokens = new ApiTokensPage(shell.Page);
        await tokens.ExpectOpenAsync();
        return tokens;
    }

    /// <summary>
    /// New token with this name and the default scope (Platform) and expiry (the dialog may already be open); returns the
    /// value shown once.
    /// </summary>
    public async Task<string> CreateAsync(string name)
    {
        if (!await Dialog.IsVisibleAsync())
        {
            await NewTokenButton.ClickAsync();
        }
        await NameField.FillAsync(name);
        await CreateButton.ClickAsync();
        await Expect(TokenField).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^cpt_"));
        var token = await TokenField.InputValueAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Done", Exact = true }).ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
        return token;
    }

    /// <summary>Revoke on the row, confirmed in the dialog.</summary>
    public async Task RevokeAsync(string name)
    {
        await Row(name).GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}", Exact = true }).ClickAsync();
        await Expect(Dialog).ToContainTextAsync(name);
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
    }
}
