using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Features.Credentials;

public class SecretsAtRestTests
{
    [Fact]
    public async Task Neither_the_stored_data_nor_any_log_line_holds_a_secret()
    {
        var logs = new CapturingLoggerProvider();
        await using var database = await PortalTestDatabase.CreateAsync(services =>
            services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        // The -wal stays for the whole test, whatever other tests do to the connection pools (see KeepFiles).
        using var keep = StoredTextScan.KeepFiles(database);
        var unique = Guid.NewGuid().ToString("N");
        var name = $"visible-name-{unique}";
        var clientId = $"client-{unique}";
        var secret = $"secret-{unique}";
        var value = $"value-{unique}";

        var headerSecret = $"header-secret-{unique}";
        var withSecret = await database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret(name, clientId, secret));
        await database.Credentials.CreateAsync(CredentialInputs.ClientId(name + "-2", value));
        var edit = (await database.Credentials.GetForEditAsync(withSecret.Id))!.ToInput();
        edit.Secret = secret + "-rotated";
        await database.Credentials.UpdateAsync(withSecret.Id, edit);
        await database.Credentials.ResolveAsync(withSecret.Id);

        // A secret extra header of an alert's webhook: saved, edited (kept), renamed, then replaced and loaded for sending.
        var alertInput = Alerts.AlertInputs.RuntimeAlert($"alert-{unique}", new Uri("http://127.0.0.1:9/hook"), headers: [("X-Api-Key", headerSecret)]);
        alertInput.Headers[0].Secret = true;
        var alert = await database.Alerts.CreateAsync(alertInput);
        var (alertEdit, _) = (await database.Alerts.GetForEditAsync(alert.Id))!.Value;
        alertEdit.Headers[0].Name = "X-Api-Token";
        Assert.True((await database.Alerts.UpdateAsync(alert.Id, alertEdit)).Succeeded);
        (alertEdit, _) = (await database.Alerts.GetForEditAsync(alert.Id))!.Value;
        alertEdit.Headers[0].Value = headerSecret + "-rotated";
        Assert.True((await database.Alerts.UpdateAsync(alert.Id, alertEdit)).Succeeded);
        Assert.Equal(headerSecret + "-rotated", (await database.RevealedWebhookHeadersAsync(alert.Id)).Single().Value);
        Assert.True(StoredTextScan.IsStored(database, "X-Api-Token"), "the scan should find the header's name");

        // The scan can see plaintext: the name is stored as is.
        Assert.True(StoredTextScan.IsStored(database, name), "the scan should find the credential's name");
        if (!TestProvider.IsPostgres)
        {
            Assert.True(File.Exists(database.DatabasePath + "-wal"));
        }

        var wire = new ResolvedCredential(CredentialType.ClientIdAndSecret, "clientid", CredentialLocation.Header, clientId, secret).WireValue;
        foreach (var hidden in new[] { clientId, secret, secret + "-rotated", value, wire, headerSecret, headerSecret + "-rotated" })
        {
            Assert.False(StoredTextScan.IsStored(database, hidden), $"'{hidden}' is stored in plaintext");
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
