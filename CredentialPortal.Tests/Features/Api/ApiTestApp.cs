using System.Net.Http.Headers;
using CredentialPortal.Features.Api;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Features.Api;

/// <summary>
/// The portal composed as Program composes it (AddPortal, start-up, UsePortal) plus a group of routes under
/// <c>/api/v1/test</c> with the API's conventions: for the plumbing every feature's routes share (JSON errors, scope
/// checks), tested apart from any one feature.
/// </summary>
internal sealed class ApiTestApp : IAsyncDisposable
{
    private ApiTestApp(WebApplication app, string folder)
    {
        App = app;
        Folder = folder;
        Client = app.GetTestClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Infrastructure.ApiHost.SeedToken);
    }

    public WebApplication App { get; }

    public string Folder { get; }

    /// <summary>A client with the seeded Platform-scope token.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<ApiTestApp> StartAsync(Action<RouteGroupBuilder> mapTestRoutes)
    {
        var folder = Path.Combine(Path.GetTempPath(), "credportal-api", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(folder, "portal.db")}",
            ["DataProtection:KeysPath"] = Path.Combine(folder, "keys"),
            ["Seed:ApiToken"] = Infrastructure.ApiHost.SeedToken,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseTestServer();
        builder.AddPortal();

        var app = builder.Build();
        await app.InitializePortalDatabaseAsync();
        app.UsePortal();
        mapTestRoutes(app.MapGroup("/api/v1/test").WithApiConventions());
        await app.StartAsync();
        return new ApiTestApp(app, folder);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is unique to this app.
        }
    }
}
