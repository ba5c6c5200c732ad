using System.Net;
using System.Text.RegularExpressions;
using CredentialPortal.Data;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Components.Account;

/// <summary>
/// Through the real log-in form and cookie: a disabled user cannot sign in and their signed-in session ends at once; a
/// role change ends the session too, and the next sign-in carries the new role.
/// </summary>
public sealed partial class DisabledUserLoginTests : IAsyncLifetime
{
    private const string Email = "viewer@portal.test";
    private const string Password = "Correct-Horse-Battery-9";

    private readonly ApiHost host = new();
    private string userId = "";

    public async Task InitializeAsync()
    {
        _ = host.Server;
        var created = await host.Service<UsersService>().CreateAsync(new NewUserInput { Email = Email, Password = Password, Role = PortalRoles.Editor });
        Assert.True(created.Succeeded);
        await using var scope = host.Services.CreateAsyncScope();
        userId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(Email))!.Id;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private HttpClient Browser() => host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task A_disabled_user_is_signed_out_at_once_and_cannot_sign_in_until_enabled()
    {
        using var browser = Browser();
        Assert.True(await LogInAsync(browser));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        // As the portal itself (an administrator's action on the Users page does the same).
        Assert.True((await host.Service<UsersService>().SetDisabledAsync(userId, true)).Succeeded);

        using (var home = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
            Assert.Contains("/Account/Login", home.Headers.Location!.ToString());
        }
        using var fresh = Browser();
        Assert.False(await LogInAsync(fresh));

        Assert.True((await host.Service<UsersService>().SetDisabledAsync(userId, false)).Succeeded);
        Assert.True(await LogInAsync(fresh));
    }

    [Fact]
    public async Task A_role_change_ends_the_session_and_the_next_sign_in_carries_the_new_role()
    {
        using var browser = Browser();
        Assert.True(await LogInAsync(browser));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/integrations/webhook-credentials/new")).StatusCode);

        Assert.True((await host.Service<UsersService>().ChangeRoleAsync(userId, PortalRoles.Viewer)).Succeeded);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
        Assert.True(await LogInAsync(browser));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        // The Users page needs an Administrator: a Viewer's request is refused.
        using var users = await browser.GetAsync("/settings/users");
        Assert.Equal(HttpStatusCode.Redirect, users.StatusCode);
        Assert.Contains("/Account/AccessDenied", users.Headers.Location!.ToString());
    }

    /// <summary>Posts the log-in form; true when it signed in (a redirect with the session cookie).</summary>
    private static async Task<bool> LogInAsync(HttpClient browser)
    {
        var html = await browser.GetStringAsync("/Account/Login");
        var form = HiddenInput().Matches(html).ToDictionary(
            m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        form["Input.Email"] = Email;
        form["Input.Password"] = Password;
        using var response = await browser.PostAsync("/Account/Login", new FormUrlEncodedContent(form));
        return response.StatusCode == HttpStatusCode.Redirect;
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenInput();
}
