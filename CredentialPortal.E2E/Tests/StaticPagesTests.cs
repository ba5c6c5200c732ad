using System.Net;
using CredentialPortal.E2E.Infrastructure;

namespace CredentialPortal.E2E.Tests;

/// <summary>What an anonymous visitor can reach renders statically: no Blazor circuit held on the server for strangers.</summary>
[Collection(PortalCollection.Name)]
public sealed class StaticPagesTests : IAsyncLifetime
{
    // The prerendered marker of an interactive server component: where it appears, the browser opens a circuit.
    private const string ServerComponentMarker = "\"type\":\"server\"";

    private PortalApplication app = default!;

    public Task InitializeAsync()
    {
        app = PortalApplication.Start();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("no-such-page", HttpStatusCode.NotFound, "Not found")]
    [InlineData("integrations/no-such-page/at/all", HttpStatusCode.NotFound, "Not found")]
    [InlineData("not-found", HttpStatusCode.OK, "Not found")]
    [InlineData("Error", HttpStatusCode.OK, "An error occurred")]
    [InlineData("Account/Login", HttpStatusCode.OK, "Log in")]
    public async Task The_page_renders_without_an_interactive_component(string path, HttpStatusCode status, string text)
    {
        using var client = new PortalHttpClient(app);

        using var response = await client.Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(text, html);
        Assert.DoesNotContain(ServerComponentMarker, html);
    }

    [Theory]
    [InlineData("")]
    [InlineData("integrations/webhook-credentials")]
    [InlineData("flexible-actions/runtime-alerts")]
    [InlineData("Account/Manage/ChangePassword")]
    public async Task An_anonymous_visitor_is_sent_to_log_in_without_a_page(string path)
    {
        using var client = new PortalHttpClient(app);

        using var response = await client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", client.RedirectTarget(response)!.AbsolutePath);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();
}
