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
/// A real SQLite file in a temp folder (or a PostgreSQL database of its own: <see cref="TestProvider"/>), migrated like the app does at start-up, with the app's services over it
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
    public DeliveryService Deliveries => Services.GetRequiredService<DeliveryService>();
    public DeliveryQueue Queue => Services.GetRequiredService<DeliveryQueue>();

    /// <summary>The worker, not started: tests make it send what is due with <see cref="DeliveryWorker.SendDueAsync"/>.</summary>
    public DeliveryWorker Worker => Services.GetRequiredService<DeliveryWorker>();

    /// <summary>The log as the overview lists it, each delivery with its last attempt's request.</summary>
    public LoggedDeliveries DeliveryLog => new(Deliveries);

    /// <summary>Send test as the overview page does it: the delivery after its first attempt; null when the alert does not exist.</summary>
    public async Task<LoggedDelivery?> SendTestAsync(int alertId)
    {
        var (_, view) = await Deliveries.SendTestAsync(alertId);
        return view is null ? null : LoggedDelivery.From(view);
    }

    /// <summary>The delivery as it stands now, with all its attempts.</summary>
    public async Task<LoggedDelivery> ReloadAsync(LoggedDelivery delivery) =>
        LoggedDelivery.From((await Deliveries.GetAsync(delivery.View.DeliveryId))!);

    /// <summary>
    /// Moves <see cref="Clock"/> to the delivery's next attempt and lets the worker send what is due then: the delivery
    /// after that attempt. Only for a database on <see cref="Clock"/> (not one given the system clock).
    /// </summary>
    public async Task<LoggedDelivery> NextAttemptAsync(LoggedDelivery delivery)
    {
        var due = delivery.View.NextAttemptAtUtc ?? throw new InvalidOperationException("The delivery has no next attempt.");
        var wait = new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) - Clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            Clock.Advance(wait);
        }
        await Worker.SendDueAsync();
        return await ReloadAsync(delivery);
    }

    /// <summary>The alert's webhook headers as the sender reveals them for an attempt (secret values decrypted).</summary>
    public async Task<List<WebhookHeader>> RevealedWebhookHeadersAsync(int alertId)
    {
        await using var db = await CreateDbContextAsync();
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId);
        var protector = WebhookHeaderSecrets.CreateProtector(Services.GetRequiredService<IDataProtectionProvider>());
        return WebhookHeaderSecrets.Reveal(protector, alert.WebhookHeaders);
    }

    public static async Task<PortalTestDatabase> CreateAsync(Action<IServiceCollection>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "credportal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

        TestProvider.EnsureDatabase(folder);
        var provider = BuildServices(folder, clock, configure);
        await using (var db = await provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
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
            // a second, and a shorter timeout would fail the attempt. The timeout test sets its own.
            ["Webhooks:TimeoutSeconds"] = "5",
            // Tests make the worker send what is due (Worker.SendDueAsync) on a moved clock.
            ["Webhooks:WorkerEnabled"] = "false",
        };
        services.AddPortalDomain(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(),
            TestProvider.DatabaseFor(folder, Path.Combine(folder, "portal.db")), Path.Combine(folder, "keys"));
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public async Task<PortalDbContext> CreateDbContextAsync() =>
        await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestProvider.DeleteTestData(Folder);
    }
}

/// <summary>A delivery and its last attempt, flattened as the log shows it.</summary>
public sealed record LoggedDelivery(bool Delivered, int? StatusCode, int Attempts, string? Error, string Method, string Url, string Headers,
    bool IsTest, DeliveryView View)
{
    public static LoggedDelivery From(DeliveryView view)
    {
        var last = view.Attempts.Count > 0 ? view.Attempts[^1] : null;
        return new LoggedDelivery(view.Status == DeliveryStatus.Delivered, view.StatusCode, view.AttemptCount, view.Error,
            last?.Method ?? "", last?.Url ?? "", last?.Headers ?? "", view.IsTest, view);
    }
}

public sealed record LoggedDeliveryPage(IReadOnlyList<LoggedDelivery> Items);

public sealed class LoggedDeliveries(DeliveryService deliveries)
{
    public async Task<LoggedDeliveryPage> ListAsync(int alertId, int page = 0, int pageSize = 10)
    {
        var views = (await deliveries.ListAsync(new DeliveryQuery(AlertId: alertId, Limit: (page + 1) * pageSize))).Items.Skip(page * pageSize);
        var items = new List<LoggedDelivery>();
        foreach (var view in views)
        {
            items.Add(LoggedDelivery.From(view with { Attempts = await deliveries.GetAttemptsAsync(view.Id) }));
        }
        return new LoggedDeliveryPage(items);
    }
}
