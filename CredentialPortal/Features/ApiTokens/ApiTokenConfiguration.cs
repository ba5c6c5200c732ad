using CredentialPortal.Features.Hierarchy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CredentialPortal.Features.ApiTokens;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.ToTable("ApiTokens");
        builder.Property(t => t.Name).HasMaxLength(ApiTokenService.NameMaxLength);
        builder.Property(t => t.Hash).HasMaxLength(32);
        builder.Property(t => t.Prefix).HasMaxLength(ApiTokenService.PrefixLength);
        builder.Property(t => t.CreatedBy).HasMaxLength(256);
        builder.Property(t => t.Role).HasMaxLength(32).HasDefaultValue(Users.PortalRoles.Administrator);
        builder.HasIndex(t => t.Hash).IsUnique();
        // A deleted entity takes its tokens with it: they could reach nothing any more (its subtree is gone with it).
        builder.HasOne<HierarchyEntity>().WithMany().HasForeignKey(t => t.ScopeEntityId).OnDelete(DeleteBehavior.Cascade);
    }
}
