using CredentialPortal.Tests.Features.Credentials;
using Microsoft.Data.Sqlite;

namespace CredentialPortal.Tests.Infrastructure;

public class StoredTextScanTests
{
    [Fact]
    [Trait("Provider", "Sqlite")]
    public async Task While_the_files_are_kept_clearing_every_pool_leaves_the_wal_in_place_for_the_scan()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var name = $"kept-{Guid.NewGuid():N}";
        await database.Credentials.CreateAsync(CredentialInputs.ClientId(name, "value"));
        var wal = database.DatabasePath + "-wal";
        Assert.True(File.Exists(wal));

        using (StoredTextScan.KeepFiles(database))
        {
            // What a parallel test's clean-up does: without the kept connection the -wal goes here.
            SqliteConnection.ClearAllPools();
            Assert.True(File.Exists(wal));
            Assert.True(StoredTextScan.IsStored(database, name));
        }
    }
}
