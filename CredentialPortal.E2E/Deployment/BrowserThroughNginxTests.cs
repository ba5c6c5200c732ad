using System.Net;
using System.Net.Http.Json;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Deployment;

/// <summary>
/// A person in Chromium reaches the portal only through nginx (HTTPS, deploy/nginx/portal.conf): the log-in, the Blazor
/// circuit's WebSocket through the proxy, and the forwarded scheme the portal believes from its known proxy.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class BrowserThroughNginxTests(BrowserFixture browser)
{
    [DeploymentFact]
    public async Task Logging_in_through_nginx_opens_a_live_page_over_its_WebSocket()
    {
        await using var deployment = await Deployment.StartAsync();
        // Saved through B: whichever instance nginx picks for this browser lists it.
        using var created = await deployment.B.Api.PostAsJsonAsync("api/v1/webhook-credentials", new
        {
            name = "Saved through B",
            type = "client_id",
            field_name = "clientid",
            client_id = "value-through-b-0001",
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = deployment.Nginx.BaseUrl,
            IgnoreHTTPSErrors = true, // the test's self-signed certificate
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var circuit = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.WebSocket += (_, socket) =>
        {
            if (socket.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                socket.FrameReceived += (_, _) => circuit.TrySetResult(socket.Url);
            }
        };

        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);
        var shell = new AppShell(page);
        await shell.ExpectLoggedInAsync(PortalApplication.AdminEmail);
        var list = await shell.OpenWebhookCredentialsAsync();
        await Expect(list.Row("Saved through B")).ToBeVisibleAsync();

        // The circuit's messages came over a WebSocket through nginx, not to an instance directly.
        var socketUrl = await circuit.Task.WaitAsync(PortalInstance.Patience);
        Assert.StartsWith(deployment.Nginx.BaseUrl.Replace("https://", "wss://") + "_blazor", socketUrl);

        // nginx says the request came over HTTPS and the portal believes it (ForwardedHeaders:KnownProxies): its
        // session cookie is Secure although the instance itself listens on plain HTTP.
        var session = Assert.Single(await context.CookiesAsync(), c => c.Name == ".AspNetCore.Identity.Application");
        Assert.True(session.Secure);

        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = new Uri(deployment.Nginx.BaseUrl),
        };
        using var health = await http.GetAsync("health");
        Assert.True(health.StatusCode == HttpStatusCode.OK, await health.Content.ReadAsStringAsync());
    }
}
