using CredentialPortal.Data;
using CredentialPortal.Infrastructure;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// A real SQLite file in a temp folder, migrated like the app does at start-up, with the app's services over it
/// (Data Protection with a key ring in the same folder, a clock the test moves).
/// </summary>
public sealed class PortalTestDatabase : IAsyncDisposable
{
    private PortalTestDatabase(string folder, ServiceProvider services, FakeTimeProvider clock)
    {
        Folder = folder;
        Services = services;
        Clock = clock;
    }

    public string Folder { get; }
    public string DatabasePath => Path.Combine(Folder, "portal.db");
    public ServiceProvider Services { get; }
    public FakeTimeProvider Clock { get; }
    public CredentialService Credentials => Services.GetRequiredService<CredentialService>();
    public AlertService Alerts => Services.GetRequiredService<AlertService>();
    public WebhookSender Sender => Services.GetRequiredService<WebhookSender>();
    public DeliveryLog DeliveryLog => Services.GetRequiredService<DeliveryLog>();

    /// <summary>Send test as the overview page does it: the outcome, once its log row is committed.</summary>
    public async Task<DeliveryOutcome?> SendTestAsync(int alertId)
    {
        var outcome = await Sender.SendTestAsync(alertId);
        if (outcome is not null)
        {
            await outcome.Logged;
        }
        return outcome;
    }

    public static async Task<PortalTestDatabase> CreateAsync(Action<IServiceCollection>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "credportal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

        var provider = BuildServices(folder, clock, configure);
        await using (var db = await provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        return new PortalTestDatabase(folder, provider, clock);
    }

    /// <summary>The app's services over a folder's database and key ring; a second call stands for a restarted app.</summary>
    public static ServiceProvider BuildServices(string folder, TimeProvider clock, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(clock);
        var settings = new Dictionary<string, string?>
        {
            // Tests send to their own loopback receiver; the SSRF tests turn this off.
            ["Webhooks:AllowPrivateNetworks"] = "true",
            // The product's default: a first delivery (JIT, EF query compilation) on a loaded 2-core machine can take over
            // a second, and a shorter timeout would retry it. The timeout test sets its own.
            ["Webhooks:TimeoutSeconds"] = "5",
            ["Webhooks:RetryBaseDelayMilliseconds"] = "20",
        };
        services.AddPortalDomain(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(),
            $"Data Source={Path.Combine(folder, "portal.db")}", Path.Combine(folder, "keys"));
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public async Task<PortalDbContext> CreateDbContextAsync() =>
        await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the test; the temp folder is cleaned by the OS.
        }
    }
}
