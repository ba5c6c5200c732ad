using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CredentialPortal.Data;

/// <summary>
/// The portal's model on PostgreSQL. Its own type gives it its own migrations (Data/Migrations/Postgres); what differs
/// from SQLite is said here, once.
/// </summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PortalDbContext> options) : PortalDbContext(options)
{
    /// <summary>Case-insensitive ordering where SQLite uses NOCASE: ICU's root collation, deterministic, so LIKE and unique indexes still work.</summary>
    public const string CaseInsensitiveCollation = "und-x-icu";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // The app keeps UTC in DateTime everywhere (as SQLite stores it); timestamptz wants that said by the Kind.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("pg_trgm");
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.GetCollation() == "NOCASE")
            {
                property.SetCollation(CaseInsensitiveCollation);
            }
        }
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Utc),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

/// <summary>For <c>dotnet ef migrations add NAME --context PostgresPortalDbContext -o Data/Migrations/Postgres</c>: no server needed.</summary>
internal sealed class PostgresPortalDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql("Host=localhost;Database=portal").Options);
}

/// <summary>
/// For <c>dotnet ef migrations add NAME --context PortalDbContext -o Data/Migrations</c>. Without it the tools would build
/// the SQLite migration with the PostgreSQL factory above, whose context type is also a PortalDbContext.
/// </summary>
internal sealed class SqlitePortalDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Creates the context type of the configured provider over the one set of options.</summary>
internal sealed class PortalDbContextFactory(DbContextOptions<PortalDbContext> options, PortalDatabase database)
    : IDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext() =>
        database.Provider == DatabaseProvider.Postgres ? new PostgresPortalDbContext(options) : new PortalDbContext(options);
}
