using CredentialPortal.Features.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CredentialPortal.Data;

/// <summary>
/// The portal's model on PostgreSQL. Its own type gives it its own migrations (Data/Migrations/Postgres); what differs
/// from SQLite is said here, once.
/// </summary>
/// <remarks>Takes the options of <see cref="PortalDbContext"/> (the one set the portal configures), as the non-generic type EF Core's
/// context pool accepts.</remarks>
public sealed class PostgresPortalDbContext(DbContextOptions options) : PortalDbContext(options)
{
    /// <summary>
    /// Where SQLite uses NOCASE: ICU's root order at strength 2, so "Stripe" and "stripe" are equal (a unique index or a
    /// "name taken" check ignores case, and equal names are ordered by the next key, as on SQLite). Nondeterministic,
    /// so PostgreSQL refuses LIKE on such a column: a search names <see cref="SearchCollation"/> for it.
    /// </summary>
    public const string CaseInsensitiveCollation = "portal_nocase";

    /// <summary>ICU's root collation, deterministic: it folds names (and search fragments) to lower case.</summary>
    public const string SearchCollation = "und-x-icu";

    /// <summary>The stored, lower-cased name that the list's search matches with LIKE (a shadow property: never set by the app).</summary>
    public const string NameFoldedColumn = "NameFolded";

    /// <summary>Byte order: a LIKE on the folded name compares bytes, with no per-row case folding.</summary>
    public const string FoldedCollation = "C";

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
        builder.HasCollation(CaseInsensitiveCollation, locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.GetCollation() == "NOCASE")
            {
                property.SetCollation(CaseInsensitiveCollation);
            }
        }

        // The credential list's name search (see CredentialService.Listing) matches a fragment in the name folded to
        // lower case once, when it is written: a byte-wise LIKE on it is several times cheaper than ILIKE under ICU.
        // Each list order's index carries it, so a search walking an order tests names without reading the table. The
        // trigram index that finds and counts matches is on a narrow copy, "CredentialNameSearch" (id and folded name,
        // kept by a trigger; see the SearchNameFolded migration): counting there reads a few hundred small pages rather
        // than a table page per match. Two-character fragments (no trigram) are counted from the B-tree of the names'
        // character pairs, "CredentialNamePairs" (the SearchNamePairs migration).
        var credential = builder.Entity<Credential>();
        credential.Property<string>(NameFoldedColumn)
            .HasComputedColumnSql($"lower((\"Name\" COLLATE \"{SearchCollation}\"))", stored: true)
            .UseCollation(FoldedCollation);
        foreach (var index in credential.Metadata.GetIndexes().Where(i => i.GetDatabaseName() is "IX_Credentials_LastModified" or "IX_Credentials_Name" or "IX_Credentials_Type"))
        {
            index.SetIncludeProperties(new[] { NameFoldedColumn });
        }
        // The entity gives new rows a version 7 id; a row inserted by plain SQL (an import, the benchmark's seed) gets a
        // random one from the database, as SQLite's insert trigger gives it.
        builder.Entity<Credential>().Property(c => c.PublicId).HasDefaultValueSql("gen_random_uuid()");
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

/// <summary>
/// Creates the context type of the configured provider over the one set of options, from EF Core's context pool: a
/// context's internal services are set up once and reused, which is most of what a context per operation costs.
/// </summary>
internal sealed class PortalDbContextFactory(DbContextOptions<PortalDbContext> options, PortalDatabase database)
    : IDbContextFactory<PortalDbContext>
{
    private readonly Func<PortalDbContext> create = database.Provider == DatabaseProvider.Postgres
        ? new PooledDbContextFactory<PostgresPortalDbContext>(new DbContextOptions<PostgresPortalDbContext>(options.Extensions.ToDictionary(e => e.GetType()))).CreateDbContext
        : new PooledDbContextFactory<PortalDbContext>(options).CreateDbContext;

    public PortalDbContext CreateDbContext() => create();
}
