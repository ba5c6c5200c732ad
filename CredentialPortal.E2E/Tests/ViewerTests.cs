using System.Net;
using System.Net.Http.Headers;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Users;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// An administrator makes a Viewer on Settings › Users; the Viewer signs in, sees the credentials and an alert, and is
/// offered nothing that changes them; asking the server directly (the API with a Viewer token) is refused too.
/// </summary>
public sealed class ViewerTests(BrowserFixture browser) : PortalTest(browser)
{
    private const string ViewerEmail = "viewer@portal.test";
    private const string ViewerPassword = "Vi3wer-Passw0rd!";

    [Fact]
    public async Task A_viewer_sees_the_credentials_and_an_alert_but_is_offered_no_change_and_the_server_refuses_one()
    {
        var credentialId = await CreateCredentialAsync("Partner API");
        await CreateAlertAsync("Latency high", "http://127.0.0.1:9/hooks", "Partner API");

        await LogInAndOpenCredentialsAsync();
        var users = await UsersPage.OpenThroughNavigationAsync(new AppShell(Page));
        await users.CreateAsync(ViewerEmail, ViewerPassword, PortalRoles.Viewer);

        var viewer = await NewPageAsync();
        var login = new LoginPage(viewer);
        await login.GotoAsync();
        await login.LogInAsync(ViewerEmail, ViewerPassword);
        var shell = new AppShell(viewer);
        await shell.ExpectLoggedInAsync(ViewerEmail);

        var list = await shell.OpenWebhookCredentialsAsync();
        await Expect(viewer.GetByRole(AriaRole.Cell, new() { Name = "Partner API", Exact = true })).ToBeVisibleAsync();
        await Expect(list.NewCredentialButton).ToHaveCountAsync(0);
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true })).ToHaveCountAsync(0);
        await Expect(shell.NavLink("Users")).ToHaveCountAsync(0);
        await Expect(shell.NavLink("API Tokens")).ToHaveCountAsync(0);

        var form = new CredentialFormPage(viewer, credentialId);
        await form.GotoAsync();
        await Expect(form.Name).ToHaveValueAsync("Partner API");
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true })).ToHaveCountAsync(0);

        var alert = await OpenAlertAsync(shell, "Latency high");
        await Expect(alert.WebhookUrl).ToContainTextAsync("127.0.0.1:9/hooks");
        await Expect(alert.SendTestButton).ToHaveCountAsync(0);
        await Expect(alert.DeleteButton).ToHaveCountAsync(0);

        // The Users page itself, asked for by its address: refused.
        await viewer.GotoAsync("settings/users");
        await Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();

        // The server refuses a change whoever offers it: a Viewer's token may read but not delete.
        var token = await App.Services.GetRequiredService<ApiTokenService>().CreateAsync(
            new ApiTokenInput("Viewer script", HierarchyDefaults.PlatformId, null, PortalRoles.Viewer), ViewerEmail);
        using var script = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        var publicId = (await App.Credentials.GetForEditAsync(credentialId))!.PublicId;
        using (var read = await script.GetAsync($"api/v1/webhook-credentials/{publicId}"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        using (var delete = await script.DeleteAsync($"api/v1/webhook-credentials/{publicId}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        }
        Assert.NotNull(await App.Credentials.GetForEditAsync(credentialId));
    }
}
