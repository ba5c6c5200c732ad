using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CredentialPortal.Features.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.Property(e => e.Actor).HasMaxLength(256);
        builder.Property(e => e.ActorUserId).HasMaxLength(450);
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.ObjectType).HasMaxLength(32);
        builder.Property(e => e.ObjectId).HasMaxLength(64);
        builder.Property(e => e.ObjectName).HasMaxLength(256);
        // Newest first is the page's and the API's order; an object's history and an actor's are its two filters.
        builder.HasIndex(e => new { e.AtUtc, e.Id }).HasDatabaseName("IX_AuditEntries_At");
        builder.HasIndex(e => new { e.ObjectType, e.ObjectId, e.AtUtc }).HasDatabaseName("IX_AuditEntries_Object");
        builder.HasIndex(e => new { e.Actor, e.AtUtc }).HasDatabaseName("IX_AuditEntries_Actor");
    }
}
