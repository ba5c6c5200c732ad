using System.Net;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.E2E.Infrastructure;

/// <summary>
/// The real portal on Kestrel, on a free loopback port, with a fresh SQLite file and key ring in its own temp folder.
/// Configuration goes in through the same keys an operator uses (ConnectionStrings:Portal, DataProtection:KeysPath, Seed:*).
/// </summary>
public sealed class PortalApplication : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@portal.test";
    public const string AdminPassword = "Adm1n-Passw0rd!";

    private readonly bool seedAdministrator;
    private readonly IReadOnlyDictionary<string, string>? settings;
    private readonly Action<IServiceCollection>? configureServices;
    private readonly Action<IWebHostBuilder>? configure;

    private PortalApplication(bool seedAdministrator, IReadOnlyDictionary<string, string>? settings,
        Action<IServiceCollection>? configureServices, Action<IWebHostBuilder>? configure)
    {
        this.seedAdministrator = seedAdministrator;
        this.settings = settings;
        this.configureServices = configureServices;
        this.configure = configure;
        DataFolder = Path.Combine(Path.GetTempPath(), "credentialportal-e2e", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataFolder);
    }

    public string DataFolder { get; }

    public string DatabasePath => Path.Combine(DataFolder, "portal.db");

    public string KeysPath => Path.Combine(DataFolder, "keys");

    /// <summary>http://127.0.0.1:PORT/ — where the browser goes.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>
    /// Starts a portal; with <paramref name="seedAdministrator"/> the Seed:* keys create <see cref="AdminEmail"/>.
    /// <paramref name="settings"/> are further configuration keys (e.g. Login:ClientAttemptsPerMinute);
    /// <paramref name="configureServices"/> may wrap a real service to observe it; <paramref name="configure"/> runs
    /// after the test defaults (settings, logging).
    /// </summary>
    public static PortalApplication Start(
        bool seedAdministrator = true,
        IReadOnlyDictionary<string, string>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        Action<IWebHostBuilder>? configure = null)
    {
        var app = new PortalApplication(seedAdministrator, settings, configureServices, configure);
        try
        {
            app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            app.StartServer();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
                ?? throw new InvalidOperationException("The server reports no addresses.");
            app.BaseUrl = addresses.Addresses.Single().TrimEnd('/') + "/";

            // Guard: the app must really use this test's files, never a developer's database.
            var storage = app.Services.GetRequiredService<PortalStorage>();
            if (storage.DatabasePath?.StartsWith(app.DataFolder, StringComparison.Ordinal) != true ||
                !storage.KeysPath.StartsWith(app.DataFolder, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The portal ignored the test's storage settings: {storage}.");
            }
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary>The app's own domain service, for arranging data and checking what was really stored.</summary>
    public CredentialService Credentials => Services.GetRequiredService<CredentialService>();

    /// <summary>The one-time setup code the portal printed at start-up (null once an administrator exists).</summary>
    public string? SetupCode => Services.GetRequiredService<CredentialPortal.Components.Account.SetupCode>().Value;

    /// <summary>The app's alert service, for arranging alerts and checking what was really stored.</summary>
    public AlertService Alerts => Services.GetRequiredService<AlertService>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={DatabasePath}");
        builder.UseSetting("DataProtection:KeysPath", KeysPath);
        builder.UseSetting("Seed:AdminEmail", seedAdministrator ? AdminEmail : "");
        builder.UseSetting("Seed:AdminPassword", seedAdministrator ? AdminPassword : "");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        configure?.Invoke(builder);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is unique to this run.
        }
    }
}
