using CredentialPortal.Data;
using CredentialPortal.Infrastructure;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Instances;

/// <summary>On PostgreSQL the first start creates the database it is given when it does not exist yet, then migrates it.</summary>
public sealed class FirstStartTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "credportal-instances", Guid.NewGuid().ToString("N"));
    private WebApplication? app;

    [PostgresFact]
    public async Task The_first_start_creates_a_missing_database_and_migrates_it()
    {
        // No TestProvider.EnsureDatabase: the database named in the connection string does not exist.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(TestProvider.SettingsFor(folder, Path.Combine(folder, "portal.db")));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DataProtection:KeysPath"] = Path.Combine(folder, "keys") });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPortal();
        app = builder.Build();

        await app.InitializePortalDatabaseAsync();

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.Credentials.CountAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
        TestProvider.DeleteTestData(folder);
    }
}
