using System.Net;
using CredentialPortal.E2E.Infrastructure;

namespace CredentialPortal.E2E.Tests;

/// <summary>After log-in the portal follows ReturnUrl only within itself; anything else lands on the home page.</summary>
[Collection(PortalCollection.Name)]
public sealed class ReturnUrlTests : IAsyncLifetime
{
    private PortalApplication app = default!;

    public Task InitializeAsync()
    {
        app = PortalApplication.Start();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("http://evil.example/integrations")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/\t/evil.example")]
    public async Task A_hostile_return_url_lands_on_the_home_page(string returnUrl)
    {
        using var client = new PortalHttpClient(app);

        using var response = await client.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(client.BaseAddress, client.RedirectTarget(response));
    }

    [Fact]
    public async Task A_return_url_within_the_portal_is_followed()
    {
        using var client = new PortalHttpClient(app);

        using var response = await client.LogInAsync(
            PortalApplication.AdminEmail, PortalApplication.AdminPassword, "/integrations/webhook-credentials?page=2");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(client.BaseAddress, "integrations/webhook-credentials?page=2"), client.RedirectTarget(response));
    }

    public async Task DisposeAsync() => await app.DisposeAsync();
}
