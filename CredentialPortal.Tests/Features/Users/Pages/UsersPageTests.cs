using Bunit;
using CredentialPortal.Data;
using CredentialPortal.Features.Users;
using CredentialPortal.Features.Users.Pages;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Users.Pages;

/// <summary>Settings › Users over the real Identity stores: New user, Change role, Disable, and the last administrator's refusal.</summary>
public class UsersPageTests : PortalComponentTest
{
    private const string Password = "Correct-Horse-Battery-9";

    // Before the base class renders its providers (which closes the container); resolved once the database exists.
    public UsersPageTests() => Services.AddSingleton(_ => Database.Services.GetRequiredService<UsersService>());

    protected override void ConfigureDatabase(IServiceCollection services)
    {
        services.AddIdentityCore<ApplicationUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddDefaultTokenProviders();
        services.AddSingleton<UserSessions>();
        services.AddSingleton<UsersService>();
    }

    private UsersService Users => Database.Services.GetRequiredService<UsersService>();

    private async Task<IRenderedComponent<UsersPage>> RenderPageAsync()
    {
        // The portal itself makes the first administrator, as start-up does.
        Assert.True((await Users.CreateAsync(new NewUserInput { Email = "admin@portal.test", Password = Password, Role = PortalRoles.Administrator })).Succeeded);
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        return page;
    }

    private static string[][] Rows(IRenderedComponent<UsersPage> page) =>
        page.FindAll("tbody tr").Select(r => r.QuerySelectorAll("td").Take(3).Select(c => c.TextContent.Trim()).ToArray()).ToArray();

    [Fact]
    public async Task New_user_creates_a_user_with_the_role_chosen_and_lists_them()
    {
        var page = await RenderPageAsync();

        // The click's handler waits for the dialog's answer: kept, and awaited once the dialog has closed.
        var opening = page.FindAll("button").Single(b => b.TextContent.Trim() == "New user").ClickAsync(new());
        Dialogs.WaitForElement("[role=dialog]");
        Assert.Equal(["Email", "Password", "Role"], Dialogs.FindAll("[role=dialog] label").Select(l => l.TextContent.Trim().TrimEnd('*').Trim()));
        await Dialogs.Find("[role=dialog] input[type=email]").InputAsync(new() { Value = "ed@portal.test" });
        await Dialogs.Find("[role=dialog] input[type=password]").InputAsync(new() { Value = Password });
        var role = Dialogs.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Role");
        await role.InvokeAsync(role.Instance.OpenMenu);
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "Editor").ClickAsync(new());
        await Dialogs.Find("form#new-user-form").SubmitAsync();
        await opening;

        page.WaitForAssertion(() => Assert.Equal(
            [["admin@portal.test", "Administrator", "Enabled"], ["ed@portal.test", "Editor", "Enabled"]], Rows(page)));
        Snackbars.WaitForAssertion(() => Assert.Contains("User ed@portal.test created.", Snackbars.Markup));
        Assert.Empty(Dialogs.FindAll("[role=dialog]"));
    }

    [Fact]
    public async Task A_weak_password_is_named_beside_the_field_and_the_dialog_keeps_what_was_typed()
    {
        var page = await RenderPageAsync();

        _ = page.FindAll("button").Single(b => b.TextContent.Trim() == "New user").ClickAsync(new());
        Dialogs.WaitForElement("[role=dialog]");
        await Dialogs.Find("[role=dialog] input[type=email]").InputAsync(new() { Value = "weak@portal.test" });
        await Dialogs.Find("[role=dialog] input[type=password]").InputAsync(new() { Value = "short" });
        await Dialogs.Find("form#new-user-form").SubmitAsync();

        Dialogs.WaitForAssertion(() => Assert.Contains("Passwords must be at least", Dialogs.Find("[role=dialog]").TextContent));
        Assert.Equal("weak@portal.test", Dialogs.Find("[role=dialog] input[type=email]").GetAttribute("value"));
        Assert.Single(await Users.ListAsync());
    }

    [Fact]
    public async Task Change_role_and_disable_take_effect_and_the_last_administrator_is_refused_with_a_reason()
    {
        Assert.True((await Users.CreateAsync(new NewUserInput { Email = "vi@portal.test", Password = Password, Role = PortalRoles.Viewer })).Succeeded);
        var page = await RenderPageAsyncWithTwo();

        var changing = page.Find("button[aria-label='Change role of vi@portal.test']").ClickAsync(new());
        Dialogs.WaitForElement("[role=dialog]");
        var role = Dialogs.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Role");
        await role.InvokeAsync(role.Instance.OpenMenu);
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "Editor").ClickAsync(new());
        await Dialogs.Find("[role=dialog] form").SubmitAsync();
        await changing;
        page.WaitForAssertion(() => Assert.Equal(["vi@portal.test", "Editor", "Enabled"], Rows(page)[1]));

        var disabling = page.Find("button[aria-label='Disable vi@portal.test']").ClickAsync(new());
        Assert.Contains("Disable vi@portal.test?", Dialogs.WaitForElement("[role=dialog]").TextContent);
        await Dialogs.Find("[data-testid=dialog-confirm]").ClickAsync(new());
        await disabling;
        page.WaitForAssertion(() => Assert.Equal(["vi@portal.test", "Editor", "Disabled"], Rows(page)[1]));
        await page.Find("button[aria-label='Enable vi@portal.test']").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["vi@portal.test", "Editor", "Enabled"], Rows(page)[1]));

        _ = page.Find("button[aria-label='Change role of admin@portal.test']").ClickAsync(new());
        Dialogs.WaitForElement("[role=dialog]");
        role = Dialogs.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Role");
        await role.InvokeAsync(role.Instance.OpenMenu);
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "Viewer").ClickAsync(new());
        await Dialogs.Find("[role=dialog] form").SubmitAsync();
        Dialogs.WaitForAssertion(() => Assert.Contains(UsersService.LastAdministrator, Dialogs.Find("[role=alert]").TextContent));
        Assert.Equal(["admin@portal.test", "Administrator", "Enabled"], Rows(page)[0]);
    }

    private async Task<IRenderedComponent<UsersPage>> RenderPageAsyncWithTwo()
    {
        Assert.True((await Users.CreateAsync(new NewUserInput { Email = "admin@portal.test", Password = Password, Role = PortalRoles.Administrator })).Succeeded);
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        return page;
    }
}
