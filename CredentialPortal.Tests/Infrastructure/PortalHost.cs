using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// The whole app (Program, its middleware and start-up) in memory, on a fresh SQLite file and key ring in a temp folder,
/// configured through the operator's keys. For what only the host does: headers, health, files on disk.
/// </summary>
public sealed class PortalHost(string environment = "Production", IReadOnlyDictionary<string, string?>? settings = null, string? folder = null)
    : WebApplicationFactory<Program>
{
    public string Folder { get; } = folder ?? Path.Combine(Path.GetTempPath(), "credportal-host", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Folder, "data", "portal.db");

    public string KeysPath => Path.Combine(Folder, "data", "keys");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        TestProvider.EnsureDatabase(Folder);
        foreach (var (key, value) in TestProvider.SettingsFor(Folder, DatabasePath))
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("DataProtection:KeysPath", KeysPath);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>Stops the app but keeps its folder (a restart on the same files).</summary>
    public async Task StopAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    public override async ValueTask DisposeAsync()
    {
        await StopAsync();
        TestProvider.DeleteTestData(Folder);
    }
}
