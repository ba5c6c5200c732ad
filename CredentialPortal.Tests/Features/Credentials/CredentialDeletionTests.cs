using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials;

public class CredentialDeletionTests
{
    /// <summary>
    /// Stands for a feature whose rows point at credentials. It keeps its "references" as credentials whose
    /// FieldName is "uses-{id}", so that detaching is a real write in the deletion's transaction.
    /// </summary>
    private sealed class FieldNameReferences(bool failAfterWriting = false) : ICredentialReferences
    {
        public List<(int CredentialId, DateTime At)> Detached { get; } = [];

        public async Task<IReadOnlyList<CredentialReference>> FindAsync(PortalDbContext db, int credentialId, CancellationToken cancellationToken) =>
            await db.Credentials.Where(c => c.FieldName == $"uses-{credentialId}")
                .Select(c => new CredentialReference(c.Name, $"/things/{c.Id}"))
                .ToListAsync(cancellationToken);

        public async Task DetachAsync(PortalDbContext db, Credential credential, DateTime deletedAtUtc, CancellationToken cancellationToken)
        {
            await db.Credentials.Where(c => c.FieldName == $"uses-{credential.Id}")
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.FieldName, "no-auth"), cancellationToken);
            Detached.Add((credential.Id, deletedAtUtc));
            if (failAfterWriting)
            {
                throw new InvalidOperationException("detaching failed");
            }
        }
    }

    private static async Task<(PortalTestDatabase Database, int Used, int User)> ArrangeAsync(FieldNameReferences references)
    {
        var database = await PortalTestDatabase.CreateAsync(s => s.AddSingleton<ICredentialReferences>(references));
        var used = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("used"))).Id;
        var user = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("alert that uses it", fieldName: $"uses-{used}"))).Id;
        return (database, used, user);
    }

    [Fact]
    public async Task The_references_are_listed_before_deleting()
    {
        var (database, used, _) = await ArrangeAsync(new FieldNameReferences());
        await using var _ = database;

        var found = Assert.Single(await database.Credentials.FindReferencesAsync(used));
        Assert.Equal("alert that uses it", found.Description);
    }

    [Fact]
    public async Task Deleting_detaches_every_reference_and_removes_the_credential_in_one_go()
    {
        var references = new FieldNameReferences();
        var (database, used, user) = await ArrangeAsync(references);
        await using var _ = database;

        Assert.True(await database.Credentials.DeleteAsync(used));

        Assert.Null(await database.Credentials.GetForEditAsync(used));
        Assert.Equal("no-auth", (await database.Credentials.GetForEditAsync(user))!.FieldName);
        Assert.Equal([(used, database.Clock.GetUtcNow().UtcDateTime)], references.Detached);
    }

    [Fact]
    public async Task When_detaching_fails_nothing_is_deleted_or_detached()
    {
        var (database, used, user) = await ArrangeAsync(new FieldNameReferences(failAfterWriting: true));
        await using var _ = database;

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.Credentials.DeleteAsync(used));

        Assert.NotNull(await database.Credentials.GetForEditAsync(used));
        Assert.Equal($"uses-{used}", (await database.Credentials.GetForEditAsync(user))!.FieldName);
    }
}
