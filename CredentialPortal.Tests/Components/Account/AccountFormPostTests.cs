using System.Net;
using System.Text.RegularExpressions;
using CredentialPortal.Data;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Components.Account;

/// <summary>
/// The account pages as a browser posts them (they render without a live connection): a failed post must not send the
/// typed passwords back in the HTML, and a change of one's own password is audited.
/// </summary>
public sealed partial class AccountFormPostTests : IAsyncLifetime
{
    private const string Email = "editor@portal.test";
    private const string Password = "Correct-Horse-Battery-9";
    private const string NewPassword = "Another-Correct-Horse-7";
    private readonly ApiHost host = new();

    public async Task InitializeAsync()
    {
        _ = host.Server;
        Assert.True((await host.Service<UsersService>().CreateAsync(new NewUserInput { Email = Email, Password = Password, Role = PortalRoles.Editor })).Succeeded);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static async Task<Dictionary<string, string>> FormAsync(HttpClient browser, string path)
    {
        var html = await browser.GetStringAsync(path);
        return HiddenInput().Matches(html).GroupBy(m => WebUtility.HtmlDecode(m.Groups["name"].Value)).ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.Last().Groups["value"].Value));
    }

    private static async Task<HttpResponseMessage> ChangeAsync(HttpClient browser, string current, string next)
    {
        var form = await FormAsync(browser, "/Account/Manage/ChangePassword");
        form["Input.OldPassword"] = current;
        form["Input.NewPassword"] = next;
        form["Input.ConfirmPassword"] = next;
        return await browser.PostAsync("/Account/Manage/ChangePassword", new FormUrlEncodedContent(form));
    }

    private async Task<List<CredentialPortal.Features.Audit.AuditEntry>> EntriesAsync()
    {
        await using var db = await host.Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == "user.password-changed").ToListAsync();
    }

    [Fact]
    public async Task A_failed_log_in_does_not_echo_the_typed_password()
    {
        using var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var form = await FormAsync(browser, "/Account/Login");
        form["Input.Email"] = Email;
        form["Input.Password"] = "My-Other-Site-Password-1";
        using var response = await browser.PostAsync("/Account/Login", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Invalid login attempt", body);
        Assert.DoesNotContain("My-Other-Site-Password-1", body);
    }

    [Fact]
    public async Task A_failed_password_change_does_not_echo_the_passwords()
    {
        using var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await FormAsync(browser, "/Account/Login");
        login["Input.Email"] = Email;
        login["Input.Password"] = Password;
        using (var r = await browser.PostAsync("/Account/Login", new FormUrlEncodedContent(login)))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }
        var form = await FormAsync(browser, "/Account/Manage/ChangePassword");
        form["Input.OldPassword"] = Password;
        form["Input.NewPassword"] = "short";
        form["Input.ConfirmPassword"] = "short";
        using var response = await browser.PostAsync("/Account/Manage/ChangePassword", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(Password, body);
    }

    [Fact]
    public async Task A_password_change_is_audited_and_a_refused_one_is_not()
    {
        using var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await FormAsync(browser, "/Account/Login");
        (login["Input.Email"], login["Input.Password"]) = (Email, Password);
        using (var signedIn = await browser.PostAsync("/Account/Login", new FormUrlEncodedContent(login)))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using (var refused = await ChangeAsync(browser, "not-the-password-1A", NewPassword))
        {
            Assert.Contains("The old password is not correct", await refused.Content.ReadAsStringAsync());
        }
        Assert.Empty(await EntriesAsync());

        using (var changed = await ChangeAsync(browser, Password, NewPassword))
        {
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        }
        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal((Email, "user"), (entry.Actor, entry.ObjectType));
        Assert.DoesNotContain(Password, entry.Changes ?? "");
        Assert.DoesNotContain(NewPassword, entry.Changes ?? "");
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenInput();
}
