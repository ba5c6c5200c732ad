using CredentialPortal.Features.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CredentialPortal.Features.Alerts;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.ToTable("Alerts");
        builder.Property(a => a.Name).HasMaxLength(AlertRules.NameMaxLength).UseCollation("NOCASE");
        builder.Property(a => a.WebhookUrl).HasMaxLength(AlertRules.UrlMaxLength);
        builder.Property(a => a.WebhookMethod).HasMaxLength(8);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.OwnsMany(a => a.WebhookHeaders, h => h.ToJson());

        // Deleting a credential detaches its alerts first (CredentialService.DeleteAsync); the database refuses
        // to leave an alert pointing at nothing.
        builder.HasOne(a => a.Credential).WithMany().HasForeignKey(a => a.CredentialId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.CredentialId);
        // A workspace is not deleted while alerts remain in it (HierarchyService.DeleteAsync); the database agrees.
        builder.HasOne(a => a.Workspace).WithMany().HasForeignKey(a => a.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.WorkspaceId);
        builder.HasIndex(a => new { a.Kind, a.LastModifiedUtc, a.Id });
        builder.HasIndex(a => new { a.Kind, a.Name, a.Id });
        // A repeated create (double click, Enter twice) carries the same key: the database keeps it to one row.
        builder.HasIndex(a => a.IdempotencyKey).IsUnique();
    }
}
