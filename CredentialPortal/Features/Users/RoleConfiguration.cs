using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CredentialPortal.Features.Users;

/// <summary>The three roles are model data: every database has them from its migration on, with fixed ids.</summary>
internal sealed class RoleConfiguration : IEntityTypeConfiguration<IdentityRole>
{
    public void Configure(EntityTypeBuilder<IdentityRole> builder) => builder.HasData(
        Role(PortalRoles.AdministratorId, PortalRoles.Administrator),
        Role(PortalRoles.EditorId, PortalRoles.Editor),
        Role(PortalRoles.ViewerId, PortalRoles.Viewer));

    private static IdentityRole Role(string id, string name) => new(name)
    {
        Id = id,
        NormalizedName = name.ToUpperInvariant(),
        ConcurrencyStamp = id,
    };
}
