using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CredentialPortal.Tests.Data;

/// <summary>The upgrade to the delivery table keeps the old log: each logged delivery becomes a finished delivery with one attempt.</summary>
// An upgrade of an older SQLite database: PostgreSQL starts at its first migration, with no old data.
[Trait("Provider", "Sqlite")]
public sealed class DurableDeliveriesMigrationTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Logged_deliveries_become_finished_deliveries_with_their_masked_request_as_one_attempt()
    {
        await using var db = await database.CreateDbContextAsync();
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var durable = migrations.Single(m => m.EndsWith("_DurableDeliveries", StringComparison.Ordinal));
        await migrator.MigrateAsync(migrations[migrations.IndexOf(durable) - 1]);

        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO Alerts (Name, Kind, PlatformEvent, WebhookEnabled, WebhookUrl, WebhookMethod, WebhookHeaders, CredentialId, WorkspaceId,
                InheritsCredential, CreatedUtc, LastModifiedUtc, Version)
            VALUES ('Deploy failed', 1, 'deployment.failed', 1, 'https://hooks.example.com/a', 'POST', '[]', NULL,
                '00000000-0000-0000-0000-000000000004', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1);
            INSERT INTO WebhookDeliveries (AlertId, SentAtUtc, IsTest, Delivered, StatusCode, Attempts, DurationMs, Error, Method, Url, Headers)
            VALUES (1, '2026-01-02 10:00:00', 1, 1, 200, 1, 12, NULL, 'POST', 'https://hooks.example.com/a?clientid=****', 'clientid: ****'),
                   (1, '2026-01-02 11:00:00', 0, 0, 503, 3, 1500, 'HTTP 503 Service Unavailable', 'POST', 'https://hooks.example.com/a', 'Content-Type: application/json');
            """);

        await migrator.MigrateAsync();

        var deliveries = await db.Deliveries.AsNoTracking().Include(d => d.Attempts).OrderBy(d => d.Id).ToListAsync();
        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Failed], deliveries.Select(d => d.Status));
        Assert.Equal([true, false], deliveries.Select(d => d.IsTest));
        Assert.Equal([1, 3], deliveries.Select(d => d.AttemptCount));
        Assert.Equal(2, deliveries.Select(d => d.PublicId).Distinct().Count());
        Assert.All(deliveries, d => Assert.NotEqual(Guid.Empty, d.PublicId));
        Assert.All(deliveries, d => Assert.NotNull(d.CompletedAtUtc));
        var failed = deliveries[1];
        Assert.Equal(("HTTP 503 Service Unavailable", 503), (failed.Error, failed.StatusCode));
        var attempt = Assert.Single(deliveries[0].Attempts);
        Assert.Equal(("https://hooks.example.com/a?clientid=****", "clientid: ****", 12), (attempt.Url, attempt.Headers, attempt.DurationMs));
        // Stored the way EF stores a Guid in SQLite, so that the API finds a migrated delivery by its id.
        var view = await database.Deliveries.GetAsync(failed.PublicId);
        Assert.Equal(DeliveryStatus.Failed, view!.Status);
        // Finished rows are not queued again.
        Assert.Empty(await database.Queue.ClaimAsync(10));
    }
}
