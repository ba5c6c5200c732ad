using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CredentialPortal.Features.Hierarchy;

internal sealed class HierarchyConfiguration : IEntityTypeConfiguration<HierarchyEntity>
{
    public void Configure(EntityTypeBuilder<HierarchyEntity> builder)
    {
        builder.ToTable("HierarchyEntities");
        builder.Property(e => e.Name).HasMaxLength(HierarchyService.NameMaxLength).UseCollation("NOCASE");
        builder.Property(e => e.Version).IsConcurrencyToken();

        // Deletion is refused while children remain (HierarchyService.DeleteAsync); the database refuses it as well.
        builder.HasOne(e => e.Parent).WithMany().HasForeignKey(e => e.ParentId).OnDelete(DeleteBehavior.Restrict);
        // A deleted credential leaves the level inheriting its parent's.
        builder.HasOne(e => e.Credential).WithMany().HasForeignKey(e => e.CredentialId).OnDelete(DeleteBehavior.SetNull);

        // Siblings have distinct names (case-insensitive); the index also serves "children of" lookups.
        builder.HasIndex(e => new { e.ParentId, e.Name }).IsUnique();
        builder.HasIndex(e => e.CredentialId);

        var seeded = HierarchyDefaults.SeededUtc;
        builder.HasData(
            new HierarchyEntity { Id = HierarchyDefaults.PlatformId, Level = HierarchyLevel.Platform, Name = HierarchyDefaults.PlatformName, CreatedUtc = seeded, LastModifiedUtc = seeded, Version = 1 },
            new HierarchyEntity { Id = HierarchyDefaults.DefaultPartnerId, Level = HierarchyLevel.Partner, Name = HierarchyDefaults.DefaultName, ParentId = HierarchyDefaults.PlatformId, CreatedUtc = seeded, LastModifiedUtc = seeded, Version = 1 },
            new HierarchyEntity { Id = HierarchyDefaults.DefaultOrganizationId, Level = HierarchyLevel.Organization, Name = HierarchyDefaults.DefaultName, ParentId = HierarchyDefaults.DefaultPartnerId, CreatedUtc = seeded, LastModifiedUtc = seeded, Version = 1 },
            new HierarchyEntity { Id = HierarchyDefaults.DefaultWorkspaceId, Level = HierarchyLevel.Workspace, Name = HierarchyDefaults.DefaultName, ParentId = HierarchyDefaults.DefaultOrganizationId, CreatedUtc = seeded, LastModifiedUtc = seeded, Version = 1 });
    }
}
