using CredentialPortal.Data;
using CredentialPortal.Infrastructure;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Instances;

/// <summary>
/// The key ring's first key is made by the start-up step, under the migrations' lock, before any instance's key ring
/// loads: instances that start together on an empty database all use that one, rather than each making its own and
/// failing on the others' secrets until their rings refresh a day later.
/// </summary>
public sealed class FirstKeyTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "credportal-instances", Guid.NewGuid().ToString("N"));
    private readonly List<WebApplication> apps = [];

    [PostgresFact]
    public async Task Start_up_makes_the_first_key_before_the_ring_loads_and_the_next_instance_makes_none()
    {
        var a = await InitializedAsync("a");
        Assert.Equal(1, await KeyCountAsync(a));

        var b = await InitializedAsync("b");
        Assert.Equal(1, await KeyCountAsync(b));

        var payload = a.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("first-key").Protect("shared");
        Assert.Equal("shared", b.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("first-key").Unprotect(payload));
        Assert.Equal(1, await KeyCountAsync(a));
    }

    /// <summary>The portal composed as Program composes it, through its start-up step, not started (no hosted service runs).</summary>
    private async Task<WebApplication> InitializedAsync(string name)
    {
        TestProvider.EnsureDatabase(folder);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(TestProvider.SettingsFor(folder, Path.Combine(folder, "portal.db")));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataProtection:KeysPath"] = Path.Combine(folder, name, "keys"),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPortal();
        var app = builder.Build();
        apps.Add(app);
        await app.InitializePortalDatabaseAsync();
        return app;
    }

    private static async Task<int> KeyCountAsync(WebApplication app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.DataProtectionKeys.CountAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in apps)
        {
            await app.DisposeAsync();
        }
        TestProvider.DeleteTestData(folder);
    }
}
