using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CredentialPortal.Features.Credentials;

internal sealed class CredentialConfiguration : IEntityTypeConfiguration<Credential>
{
    public void Configure(EntityTypeBuilder<Credential> builder)
    {
        builder.ToTable("Credentials");
        // NOCASE so that sorting by name reads naturally and the index below serves it.
        builder.Property(c => c.Name).HasMaxLength(CredentialRules.NameMaxLength).UseCollation("NOCASE");
        builder.Property(c => c.FieldName).HasMaxLength(CredentialRules.FieldNameMaxLength);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Property(c => c.TokenUrl).HasMaxLength(OAuth.OAuthSettings.ValueMaxLength);
        builder.Property(c => c.RefreshTokenUrl).HasMaxLength(OAuth.OAuthSettings.ValueMaxLength);
        builder.Property(c => c.Scopes).HasMaxLength(OAuth.OAuthSettings.ValueMaxLength);

        builder.Property(c => c.TypeName).HasMaxLength(64).UseCollation("NOCASE");
        builder.Property(c => c.ClientIdHint).HasMaxLength(4);
        builder.Property(c => c.SecretHint).HasMaxLength(4);
        builder.Property(c => c.PasswordHint).HasMaxLength(4);
        builder.Property(c => c.PreviousSecretHint).HasMaxLength(4);

        // One index per list order; each ends in Id so that every order is total (paging is stable and reversible).
        builder.HasIndex(c => new { c.LastModifiedUtc, c.Id }).HasDatabaseName("IX_Credentials_LastModified");
        builder.HasIndex(c => new { c.Name, c.Id }).HasDatabaseName("IX_Credentials_Name");
        // Type sorts by the name the list shows (TypeName) and breaks ties newest first, so the index runs that way too
        // and serves both directions.
        builder.HasIndex(c => new { c.TypeName, c.LastModifiedUtc, c.Id }).HasDatabaseName("IX_Credentials_Type").IsDescending(false, true, true);
        // A repeated create (double click, Enter twice) carries the same key: the database keeps it to one row.
        builder.HasIndex(c => c.IdempotencyKey).IsUnique();

        // New rows get a version 7 id from the entity; the migration's trigger gives rows inserted by plain SQL a random one.
        builder.HasIndex(c => c.PublicId).IsUnique();
    }
}
