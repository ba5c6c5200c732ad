using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Data;

/// <summary>
/// Each provider has its own migrations; a model change without a migration for each of them fails here, before an
/// instance would refuse to start. No server is needed: the model is compared with each provider's snapshot.
/// </summary>
public sealed class MigrationsCurrentTests
{
    [Fact]
    public void Sqlite_migrations_create_the_current_model()
    {
        using var db = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=:memory:").Options);

        Assert.False(db.Database.HasPendingModelChanges(), "The model changed: dotnet ef migrations add NAME --context PortalDbContext -o Data/Migrations");
    }

    [Fact]
    public void Postgres_migrations_create_the_current_model()
    {
        using var db = new PostgresPortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql("Host=localhost;Database=portal").Options);

        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed: dotnet ef migrations add NAME --context PostgresPortalDbContext -o Data/Migrations/Postgres --namespace CredentialPortal.Data.Migrations.Postgres");
    }

    [Fact]
    public void Each_provider_applies_only_its_own_migrations()
    {
        using var sqlite = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=:memory:").Options);
        using var postgres = new PostgresPortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql("Host=localhost;Database=portal").Options);

        var sqliteMigrations = sqlite.Database.GetMigrations().ToList();
        var postgresMigrations = postgres.Database.GetMigrations().ToList();

        Assert.Contains(sqliteMigrations, m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
        Assert.Contains(postgresMigrations, m => m.EndsWith("_InitialPostgres", StringComparison.Ordinal));
        Assert.Empty(sqliteMigrations.Intersect(postgresMigrations));
    }
}
