using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Data;

/// <summary>
/// The portal's model, as SQLite stores it (its migrations are under Data/Migrations).
/// <see cref="PostgresPortalDbContext"/> is the same model on PostgreSQL, with its own migrations.
/// </summary>
public class PortalDbContext : IdentityDbContext<ApplicationUser>, IDataProtectionKeyContext
{
    public PortalDbContext(DbContextOptions<PortalDbContext> options) : base(options)
    {
    }

    /// <summary>For the provider's own context type, which EF Core uses to pick that provider's migrations.</summary>
    protected PortalDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<Credential> Credentials => Set<Credential>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<WebhookDelivery> Deliveries => Set<WebhookDelivery>();
    public DbSet<HierarchyEntity> HierarchyEntities => Set<HierarchyEntity>();

    /// <summary>Append-only: entries are added with the change they record and never updated or deleted.</summary>
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>The Data Protection key ring when DataProtection:Store is Database (several instances share it).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        AuditModel.Apply(builder);
    }
}
