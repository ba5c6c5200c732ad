using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Features.Credentials;

public class SecretsAtRestTests
{
    [Fact]
    public async Task Neither_the_sqlite_file_nor_its_wal_nor_any_log_line_holds_a_secret()
    {
        var logs = new CapturingLoggerProvider();
        await using var database = await PortalTestDatabase.CreateAsync(services =>
            services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var unique = Guid.NewGuid().ToString("N");
        var name = $"visible-name-{unique}";
        var clientId = $"client-{unique}";
        var secret = $"secret-{unique}";
        var value = $"value-{unique}";

        var withSecret = await database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret(name, clientId, secret));
        await database.Credentials.CreateAsync(CredentialInputs.ClientId(name + "-2", value));
        var edit = (await database.Credentials.GetForEditAsync(withSecret.Id))!.ToInput();
        edit.Secret = secret + "-rotated";
        await database.Credentials.UpdateAsync(withSecret.Id, edit);
        await database.Credentials.ResolveAsync(withSecret.Id);

        // The scan can see plaintext: the name is stored as is.
        Assert.True(SqliteFileScan.IsStored(database, name), "the scan should find the credential's name");
        Assert.True(File.Exists(database.DatabasePath + "-wal"));

        var wire = new ResolvedCredential(CredentialType.ClientIdAndSecret, "clientid", CredentialLocation.Header, clientId, secret).WireValue;
        foreach (var hidden in new[] { clientId, secret, secret + "-rotated", value, wire })
        {
            Assert.False(SqliteFileScan.IsStored(database, hidden), $"'{hidden}' is stored in plaintext");
            Assert.DoesNotContain(logs.Lines, line => line.Contains(hidden, StringComparison.Ordinal));
        }
        Assert.NotEmpty(logs.Lines);
    }

    [Fact]
    public async Task Secrets_stay_readable_after_a_restart_with_the_same_key_ring()
    {
        await using var first = await PortalTestDatabase.CreateAsync();
        var id = (await first.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret(secret: "kept across restarts"))).Id;

        // A second service provider over the same file and key folder stands for the restarted app.
        await using var restarted = PortalTestDatabase.BuildServices(first.Folder, TimeProvider.System);

        var resolved = await restarted.GetRequiredService<CredentialService>().ResolveAsync(id);
        Assert.Equal("kept across restarts", resolved!.Secret);
    }
}
