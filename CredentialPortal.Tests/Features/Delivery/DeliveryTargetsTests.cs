using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// The sender reuses an alert's loaded and decrypted target only while both rows are unchanged: every kind of edit
/// or deletion is seen by the very next delivery, and an unchanged alert is not loaded again.
/// </summary>
public sealed class DeliveryTargetsTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private LoopbackReceiver receiver = default!;

    private DeliveryTargets Targets => database.Services.GetRequiredService<DeliveryTargets>();

    public async Task InitializeAsync()
    {
        database = await PortalTestDatabase.CreateAsync(s => s.AddSingleton(TimeProvider.System));
        receiver = await LoopbackReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await database.DisposeAsync();
    }

    private async Task<(int Credential, int Alert)> AlertWithCredentialAsync()
    {
        var credential = (await database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret(clientId: "link", secret: "epona"))).Id;
        var alert = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks"), credentialId: credential));
        Assert.True(alert.Succeeded);
        return (credential, alert.Id);
    }

    private async Task<LoopbackReceiver.Received> SendAsync(int alert)
    {
        var before = receiver.Requests.Count;
        Assert.True((await database.SendTestAsync(alert))!.Delivered);
        Assert.Equal(before + 1, receiver.Requests.Count);
        return receiver.Requests.Last();
    }

    [Fact]
    public async Task An_unchanged_alert_is_loaded_once_and_an_edited_credential_is_sent_at_once()
    {
        var (credential, alert) = await AlertWithCredentialAsync();
        Assert.Equal("bGlua2Vwb25h", (await SendAsync(alert)).Headers["clientid"]);
        var loads = Targets.Loads;
        Assert.Equal("bGlua2Vwb25h", (await SendAsync(alert)).Headers["clientid"]);
        Assert.Equal(loads, Targets.Loads); // reused: neither row changed

        var edit = CredentialInputs.ClientIdAndSecret(clientId: "zelda", secret: "triforce");
        edit.Version = 1;
        Assert.True((await database.Credentials.UpdateAsync(credential, edit)).Succeeded);

        var sent = await SendAsync(alert);
        Assert.Equal(Convert.ToBase64String("zeldatriforce"u8), sent.Headers["clientid"]);
        Assert.Equal(loads + 1, Targets.Loads);
    }

    [Fact]
    public async Task A_deleted_credential_sends_no_auth_next_time()
    {
        var (credential, alert) = await AlertWithCredentialAsync();
        Assert.True((await SendAsync(alert)).Headers.ContainsKey("clientid"));

        Assert.True(await database.Credentials.DeleteAsync(credential));

        Assert.False((await SendAsync(alert)).Headers.ContainsKey("clientid"));
    }

    [Fact]
    public async Task Deleting_a_credential_evicts_its_decrypted_values_at_once_not_at_the_next_delivery()
    {
        var (credential, alert) = await AlertWithCredentialAsync();
        var (other, otherAlert) = await AlertWithCredentialAsync();
        await SendAsync(alert);
        await SendAsync(otherAlert);
        Assert.True(Targets.HoldsCredential(credential));

        Assert.True(await database.Credentials.DeleteAsync(credential));

        // No delivery in between: the deletion itself dropped the plaintext; other credentials stay kept.
        Assert.False(Targets.HoldsCredential(credential));
        Assert.True(Targets.HoldsCredential(other));
        Assert.Equal(1, Targets.Count);
    }

    [Fact]
    public async Task A_load_racing_a_credential_deletion_is_not_kept()
    {
        var (credential, alert) = await AlertWithCredentialAsync();

        // As inside DeleteAsync's transaction: the eviction has run, the rows are not yet gone for other connections.
        Targets.EvictCredential(credential);
        var target = await Targets.GetAsync(alert);

        Assert.Equal(credential, target!.Credential!.Id); // the delivery itself still sees the committed rows
        Assert.False(Targets.HoldsCredential(credential));
    }

    [Fact]
    public async Task Evicting_an_alert_drops_its_kept_target()
    {
        var (credential, alert) = await AlertWithCredentialAsync();
        await SendAsync(alert);
        Assert.True(Targets.HoldsCredential(credential));

        Targets.Evict(alert);

        Assert.Equal(0, Targets.Count);
    }

    [Fact]
    public async Task An_edited_alert_sends_to_its_new_url_and_a_deleted_one_is_not_found()
    {
        var (credential, alert) = await AlertWithCredentialAsync();
        Assert.Equal("/hooks", (await SendAsync(alert)).Path);

        var (input, _) = (await database.Alerts.GetForEditAsync(alert))!.Value;
        input.WebhookUrl = receiver.Url("moved").ToString();
        input.Headers = [new HeaderInput { Name = "X-Team", Value = "ops" }];
        Assert.True((await database.Alerts.UpdateAsync(alert, input)).Succeeded);
        var sent = await SendAsync(alert);
        Assert.Equal(("/moved", "ops"), (sent.Path, sent.Headers["X-Team"]));

        Assert.True(await database.Alerts.DeleteAsync(alert));
        Assert.Null(await database.SendTestAsync(alert));
        Assert.Null(await Targets.GetAsync(alert));
    }

    [Fact]
    public async Task Deleting_an_alert_evicts_its_decrypted_credential_at_once()
    {
        var (credential, alert) = await AlertWithCredentialAsync();
        await SendAsync(alert);
        Assert.True(Targets.HoldsCredential(credential));

        Assert.True(await database.Alerts.DeleteAsync(alert));

        Assert.False(Targets.HoldsCredential(credential));
    }

    [Fact]
    public async Task A_change_made_outside_the_services_without_a_version_bump_is_seen_too()
    {
        var (credential, alert) = await AlertWithCredentialAsync();
        Assert.True((await SendAsync(alert)).Headers.ContainsKey("clientid"));

        // Another process, or a hand edit: no service call, no version change.
        await using (var connection = new SqliteConnection($"Data Source={database.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE Credentials SET FieldName = 'x-client' WHERE Id = $id";
            command.Parameters.AddWithValue("$id", credential);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var sent = await SendAsync(alert);
        Assert.False(sent.Headers.ContainsKey("clientid"));
        Assert.Equal("bGlua2Vwb25h", sent.Headers["x-client"]);
    }

    [Fact]
    public async Task The_target_matches_what_the_credential_service_resolves()
    {
        var (credential, alert) = await AlertWithCredentialAsync();

        var target = await Targets.GetAsync(alert);

        Assert.Equal(await database.Credentials.ResolveAsync(credential), target!.Credential);
        Assert.Equal(alert, target.Alert.Id);
        Assert.Null(target.Alert.Credential); // the decrypted values travel once, not next to their ciphertext
    }
}
