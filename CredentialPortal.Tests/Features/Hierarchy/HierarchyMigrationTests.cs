using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Hierarchy;

/// <summary>The upgrade to the hierarchy keeps every alert and credential, puts the alerts in Default and gives each credential its own public id.</summary>
public sealed class HierarchyMigrationTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    // An upgrade of an older SQLite database: PostgreSQL starts at its first migration, with no old data.
    [Trait("Provider", "Sqlite")]
    [Fact]
    public async Task Existing_alerts_and_credentials_survive_in_the_Default_workspace_with_distinct_public_ids()
    {
        await using var db = await database.CreateDbContextAsync();
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var hierarchy = migrations.Single(m => m.EndsWith("_HierarchyAndPublicIds", StringComparison.Ordinal));
        await migrator.MigrateAsync(migrations[migrations.IndexOf(hierarchy) - 1]);

        // The database as it was before the upgrade: three credentials, two alerts (one using a credential).
        for (var i = 1; i <= 3; i++)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO Credentials (Name, Type, TypeName, FieldName, Location, ProtectedClientId, ProtectedSecret, CreatedUtc, LastModifiedUtc, Version)
                VALUES ({"old " + i}, 3, 'Bearer Token', 'Authorization', 1, '', 'protected', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)
                """);
        }
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO Alerts (Name, Kind, PlatformEvent, WebhookEnabled, WebhookUrl, WebhookMethod, WebhookHeaders, CredentialId, CreatedUtc, LastModifiedUtc, Version)
            VALUES ('Deploy failed', 1, 'deployment.failed', 1, 'https://hooks.example.com/a', 'POST', '[]', 2, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 3),
                   ('CPU high', 2, NULL, 0, NULL, 'POST', '[]', NULL, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)
            """);

        await migrator.MigrateAsync();

        var credentials = await db.Credentials.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(["old 1", "old 2", "old 3"], credentials.Select(c => c.Name));
        Assert.All(credentials, c => Assert.NotEqual(Guid.Empty, c.PublicId));
        Assert.Equal(3, credentials.Select(c => c.PublicId).Distinct().Count());
        // Stored the way EF stores a Guid in SQLite, so that EF's own queries find them.
        var publicId = credentials[1].PublicId;
        Assert.Equal("old 2", (await db.Credentials.SingleAsync(c => c.PublicId == publicId)).Name);

        var alerts = await db.Set<Alert>().AsNoTracking().OrderBy(a => a.Name).ToListAsync();
        Assert.Equal(["CPU high", "Deploy failed"], alerts.Select(a => a.Name));
        Assert.All(alerts, a => Assert.Equal(HierarchyDefaults.DefaultWorkspaceId, a.WorkspaceId));
        Assert.All(alerts, a => Assert.False(a.InheritsCredential));
        var deploy = alerts[1];
        Assert.Equal(credentials[1].Id, deploy.CredentialId);
        Assert.Equal("https://hooks.example.com/a", deploy.WebhookUrl);
        Assert.Equal(3, deploy.Version);

        var path = await database.Services.GetRequiredService<HierarchyService>().GetPathAsync(HierarchyDefaults.DefaultWorkspaceId);
        Assert.Equal([HierarchyDefaults.PlatformId, HierarchyDefaults.DefaultPartnerId, HierarchyDefaults.DefaultOrganizationId, HierarchyDefaults.DefaultWorkspaceId], path);
    }

    [Fact]
    public async Task A_fresh_database_has_the_platform_and_the_Default_chain()
    {
        var tree = await database.Services.GetRequiredService<HierarchyService>().GetTreeAsync();

        Assert.Equal((HierarchyDefaults.PlatformId, HierarchyLevel.Platform, "Platform"), (tree.Item.Id, tree.Item.Level, tree.Item.Name));
        var partner = Assert.Single(tree.Children);
        var organization = Assert.Single(partner.Children);
        var workspace = Assert.Single(organization.Children);
        Assert.Equal(["Default", "Default", "Default"], new[] { partner, organization, workspace }.Select(n => n.Item.Name));
        Assert.Equal(HierarchyDefaults.DefaultWorkspaceId, workspace.Item.Id);
        Assert.Empty(workspace.Children);
    }

    [Fact]
    public async Task Credentials_inserted_by_plain_SQL_get_distinct_public_ids_from_the_database()
    {
        await using var db = await database.CreateDbContextAsync();
        for (var i = 0; i < 5; i++)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Credentials" ("Name", "Type", "TypeName", "FieldName", "Location", "ProtectedClientId", "CreatedUtc", "LastModifiedUtc", "Version")
                VALUES ({"raw " + i}, 3, 'Bearer Token', 'Authorization', 1, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)
                """);
        }

        var ids = await db.Credentials.AsNoTracking().Select(c => c.PublicId).ToListAsync();
        Assert.Equal(5, ids.Distinct().Count());
        Assert.DoesNotContain(Guid.Empty, ids);
        if (!TestProvider.IsPostgres)
        {
            // SQLite keeps a Guid as text: the trigger must write it the way EF does (PostgreSQL has a uuid type).
            var inEfForm = await db.Database.SqlQueryRaw<int>(
                "SELECT count(*) AS Value FROM Credentials WHERE PublicId = upper(PublicId) AND length(PublicId) = 36").SingleAsync();
            Assert.Equal(5, inEfForm);
        }
        Assert.Equal(CredentialType.BearerToken, (await db.Credentials.FirstAsync(c => c.PublicId == ids[3])).Type);
        // The name search still follows the table: the upgrade must not rebuild Credentials, which drops its triggers.
        Assert.Equal(["raw 3"], (await database.Credentials.ListAsync(new CredentialListQuery("raw 3"))).Items.Select(i => i.Name));
    }
}
