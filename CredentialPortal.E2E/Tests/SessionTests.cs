using System.Net;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Tests;

/// <summary>Sessions end on the server: log-out and a password change revoke every copy of the cookie; log-out cannot be forged.</summary>
public sealed class SessionTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task A_cookie_copied_before_log_out_no_longer_works_after_it()
    {
        await LogInAndOpenCredentialsAsync();
        using var copy = await CopySessionAsync();
        await ExpectSignedInAsync(copy);

        await new AppShell(Page).LogOutAsync();

        await ExpectSentToLogInAsync(copy);
    }

    [Fact]
    public async Task A_cookie_copied_before_a_password_change_no_longer_works_after_it_but_this_browser_stays_signed_in()
    {
        await LogInAndOpenCredentialsAsync();
        using var copy = await CopySessionAsync();
        await ExpectSignedInAsync(copy);

        var change = new ChangePasswordPage(Page);
        await change.GotoAsync();
        await change.ChangeAsync(PortalApplication.AdminPassword, "N3w-Passw0rd-After");
        await Expect(change.Status).ToContainTextAsync("Your password has been changed");

        await ExpectSentToLogInAsync(copy);
        await Page.GotoAsync("integrations/webhook-credentials");
        await new AppShell(Page).ExpectLoggedInAsync(PortalApplication.AdminEmail);
    }

    [Fact]
    public async Task A_page_on_another_origin_cannot_log_the_user_out()
    {
        await LogInAndOpenCredentialsAsync();
        await using var hostile = await HostilePage.StartAsync(HostilePage.AutoSubmittingForm(App.BaseUrl + "Account/Logout"));

        // The same browser visits the other page; its form posts to the portal with the portal's cookies (same site).
        var answer = await Page.RunAndWaitForResponseAsync(
            () => Page.GotoAsync(hostile.Url),
            response => response.Url.EndsWith("/Account/Logout", StringComparison.Ordinal));

        Assert.Equal((int)HttpStatusCode.Forbidden, answer.Status);
        await Page.GotoAsync("integrations/webhook-credentials");
        await new AppShell(Page).ExpectLoggedInAsync(PortalApplication.AdminEmail);
    }

    [Fact]
    public async Task A_same_origin_log_out_without_the_antiforgery_token_is_refused()
    {
        await LogInAndOpenCredentialsAsync();
        using var copy = await CopySessionAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "Account/Logout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }),
        };
        request.Headers.Add("Origin", App.BaseUrl.TrimEnd('/'));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var response = await copy.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ExpectSignedInAsync(copy);
    }

    /// <summary>Another client holding a copy of this browser's session cookie.</summary>
    private async Task<PortalHttpClient> CopySessionAsync()
    {
        var cookie = (await Page.Context.CookiesAsync()).Single(c => c.Name == PortalHttpClient.AuthCookie);
        var client = new PortalHttpClient(App);
        client.AddCookie(cookie.Name, cookie.Value);
        return client;
    }

    private static async Task ExpectSignedInAsync(PortalHttpClient client)
    {
        using var response = await client.Http.GetAsync("integrations/webhook-credentials");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task ExpectSentToLogInAsync(PortalHttpClient client)
    {
        using var response = await client.Http.GetAsync("integrations/webhook-credentials");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", client.RedirectTarget(response)!.AbsolutePath);
    }
}
