using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.E2E.Infrastructure;

/// <summary>
/// Another origin on the same host (a different loopback port: the same site for cookies, a different origin) serving
/// one HTML page, e.g. a form that posts itself to the portal: what a hostile page a signed-in user visits would do.
/// </summary>
public sealed class HostilePage : IAsyncDisposable
{
    private readonly WebApplication app;

    private HostilePage(WebApplication app) => this.app = app;

    /// <summary>http://127.0.0.1:PORT/ — the page's address.</summary>
    public string Url { get; private set; } = "";

    public static async Task<HostilePage> StartAsync(string html)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var page = new HostilePage(builder.Build());
        page.app.Run(context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(html);
        });
        await page.app.StartAsync();
        page.Url = page.app.Urls.Single().TrimEnd('/') + "/";
        return page;
    }

    /// <summary>A page that posts a form to <paramref name="action"/> as soon as it loads.</summary>
    public static string AutoSubmittingForm(string action) => $"""
        <!DOCTYPE html>
        <html><body>
        <form id="attack" method="post" action="{action}"><input type="hidden" name="x" value="1"></form>
        <script>document.getElementById('attack').submit();</script>
        </body></html>
        """;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
