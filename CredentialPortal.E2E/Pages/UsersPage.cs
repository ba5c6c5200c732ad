using System.Text.RegularExpressions;

namespace CredentialPortal.E2E.Pages;

/// <summary>Settings › Users: the list of users (email, role, status), New user, Change role, Disable/Enable, Reset password.</summary>
public sealed class UsersPage(IPage page) : PortalPage(page)
{
    public override string Path => "settings/users";

    public ILocator NewUserButton => Page.GetByRole(AriaRole.Button, new() { Name = "New user", Exact = true });

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    public ILocator Email => Dialog.GetByLabel("Email", new() { Exact = true });

    public ILocator Password => Dialog.GetByLabel("Password", new() { Exact = true });

    public ILocator Role => Dialog.GetByRole(AriaRole.Combobox, new() { Name = "Role", Exact = true });

    public ILocator CreateButton => Dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true });

    public ILocator Table => Page.GetByRole(AriaRole.Table);

    public ILocator Row(string email) =>
        Table.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Cell, new() { Name = email, Exact = true }) });

    public ILocator Snackbar(string text) => Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = text });

    public override async Task ExpectOpenAsync()
    {
        await Expect(Heading("Users")).ToBeVisibleAsync();
        await WaitForInteractiveAsync();
        await Expect(Table).ToBeVisibleAsync();
    }

    /// <summary>Settings › Users, through the navigation as a person would.</summary>
    public static async Task<UsersPage> OpenThroughNavigationAsync(AppShell shell)
    {
        var link = shell.NavLink("Users");
        if (!await link.IsVisibleAsync())
        {
            await shell.NavGroup("Settings").ClickAsync();
        }
        await link.ClickAsync();
        var users = new UsersPage(shell.Page);
        await users.ExpectOpenAsync();
        return users;
    }

    /// <summary>New user with these fields; waits for the row.</summary>
    public async Task CreateAsync(string email, string password, string role)
    {
        await NewUserButton.ClickAsync();
        await Email.FillAsync(email);
        await Password.FillAsync(password);
        await Role.ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = role, Exact = true }).ClickAsync();
        await CreateButton.ClickAsync();
        await Expect(Snackbar($"User {email} created.")).ToBeVisibleAsync();
        await Expect(Row(email).GetByRole(AriaRole.Cell)).ToHaveTextAsync(new[] { new Regex("^" + Regex.Escape(email) + "$"), new Regex("^" + role + "$"), new Regex("Enabled"), new Regex("Change role") });
    }
}
