using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Tests;

/// <summary>A token made in the browser works for a script over HTTP until it is revoked in the browser.</summary>
public sealed class ApiTokenTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task A_token_made_on_the_page_calls_the_API_until_it_is_revoked_there()
    {
        await LogInAndOpenCredentialsAsync();
        var tokens = await ApiTokensPage.OpenThroughNavigationAsync(new AppShell(Page));

        // Without a name: the message beside the field, and no token.
        await tokens.NewTokenButton.ClickAsync();
        await tokens.CreateButton.ClickAsync();
        await Expect(tokens.Dialog).ToContainTextAsync("Enter a name");
        await Expect(tokens.TokenField).ToHaveCountAsync(0);

        var token = await tokens.CreateAsync("Deployment script");
        await Expect(tokens.Row("Deployment script")).ToContainTextAsync("Active");
        await Expect(tokens.Row("Deployment script")).ToContainTextAsync(token[..10]);
        // Shown once: the list has only the prefix, and the page's HTML nowhere holds the value.
        Assert.DoesNotContain(token, await Page.ContentAsync());

        using var script = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var response = await script.GetAsync("api/v1/token"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Deployment script", body.RootElement.GetProperty("name").GetString());
            Assert.Equal("platform", body.RootElement.GetProperty("scope").GetProperty("entity_type").GetString());
        }

        await tokens.RevokeAsync("Deployment script");
        await Expect(tokens.Snackbar("revoked")).ToContainTextAsync("Deployment script");
        await Expect(tokens.Row("Deployment script")).ToContainTextAsync("Revoked");

        using (var response = await script.GetAsync("api/v1/token"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        }
    }
}
