using CredentialPortal.Data;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Audit;

/// <summary>The one rule: which properties the trail treats as secret, read from the model.</summary>
public sealed class AuditModelTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Every_encrypted_value_hash_and_stamp_is_secret_and_hints_and_bookkeeping_are_not_recorded()
    {
        await using var db = await database.CreateDbContextAsync();
        var credential = db.Model.FindEntityType(typeof(Credential))!;
        var encrypted = credential.GetProperties().Where(p => p.Name.StartsWith("Protected", StringComparison.Ordinal)).ToList();
        Assert.Contains(encrypted, p => p.Name == nameof(Credential.ProtectedPreviousSecret));
        Assert.All(encrypted, p => Assert.Equal(AuditVisibility.Secret, AuditModel.VisibilityOf(p)));
        Assert.Equal("Secret", AuditModel.NameOf(credential.FindProperty(nameof(Credential.ProtectedSecret))!));

        Assert.Equal(AuditVisibility.Secret, AuditModel.VisibilityOf(db.Model.FindEntityType(typeof(ApiToken))!.FindProperty(nameof(ApiToken.Hash))!));
        var user = db.Model.FindEntityType(typeof(ApplicationUser))!;
        foreach (var name in new[] { nameof(ApplicationUser.PasswordHash), nameof(ApplicationUser.SecurityStamp), nameof(ApplicationUser.ConcurrencyStamp) })
        {
            Assert.NotEqual(AuditVisibility.Shown, AuditModel.VisibilityOf(user.FindProperty(name)!));
        }

        foreach (var name in new[] { nameof(Credential.SecretHint), nameof(Credential.Version), nameof(Credential.LastModifiedUtc) })
        {
            Assert.Equal(AuditVisibility.Ignored, AuditModel.VisibilityOf(credential.FindProperty(name)!));
        }
        Assert.Equal(AuditVisibility.Shown, AuditModel.VisibilityOf(credential.FindProperty(nameof(Credential.Name))!));
    }
}
