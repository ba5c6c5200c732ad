using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Alerts;

public class AlertServiceTests
{
    private static readonly Uri Hook = new("http://127.0.0.1:9/hook");

    private sealed class FailingReferences : ICredentialReferences
    {
        public Task<IReadOnlyList<CredentialReference>> FindAsync(PortalDbContext db, int credentialId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CredentialReference>>([]);

        public Task DetachAsync(PortalDbContext db, Credential credential, DateTime deletedAtUtc, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a later step of the deletion failed");
    }

    [Fact]
    public async Task Deleting_a_credential_turns_the_webhooks_using_it_to_no_auth_and_says_which_was_removed()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var used = (await database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret("Hyrule"))).Id;
        var other = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Other"))).Id;
        var runtime = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU high", Hook, used))).Id;
        var platform = (await database.Alerts.CreateAsync(AlertInputs.PlatformEvent("Deploy failed", Hook, used))).Id;
        var untouched = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Memory", Hook, other))).Id;
        var before = (await database.Alerts.GetOverviewAsync(runtime))!.Alert;

        var references = await database.Credentials.FindReferencesAsync(used);
        Assert.Equal(
            [new CredentialReference("CPU high (Runtime Alert)", $"flexible-actions/runtime-alerts/{runtime}"),
             new CredentialReference("Deploy failed (Platform Event)", $"flexible-actions/platform-events/{platform}")],
            references);

        database.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await database.Credentials.DeleteAsync(used));

        foreach (var id in new[] { runtime, platform })
        {
            var overview = (await database.Alerts.GetOverviewAsync(id))!;
            Assert.True(overview.Auth.IsNoAuth);
            Assert.Equal(("Hyrule", database.Clock.GetUtcNow().UtcDateTime), (overview.Auth.RemovedCredentialName, overview.Auth.RemovedAtUtc));
        }
        var after = (await database.Alerts.GetOverviewAsync(runtime))!.Alert;
        Assert.Equal((before.Name, before.WebhookUrl, before.Threshold, before.LastModifiedUtc),
            (after.Name, after.WebhookUrl, after.Threshold, after.LastModifiedUtc));
        Assert.Equal("Other", (await database.Alerts.GetOverviewAsync(untouched))!.Auth.Credential!.Name);
    }

    [Fact]
    public async Task When_the_deletion_fails_the_credential_and_the_webhooks_stay_as_they_were()
    {
        await using var database = await PortalTestDatabase.CreateAsync(s => s.AddSingleton<ICredentialReferences, FailingReferences>());
        var used = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Kept"))).Id;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU high", Hook, used))).Id;

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.Credentials.DeleteAsync(used));

        Assert.NotNull(await database.Credentials.GetForEditAsync(used));
        var overview = (await database.Alerts.GetOverviewAsync(alert))!;
        Assert.Equal("Kept", overview.Auth.Credential!.Name);
        Assert.Null(overview.Auth.RemovedCredentialName);
    }

    [Fact]
    public async Task An_edit_opened_before_the_credential_was_deleted_cannot_put_it_back()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var used = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Gone soon"))).Id;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU high", Hook, used))).Id;
        var (input, _) = (await database.Alerts.GetForEditAsync(alert))!.Value;

        await database.Credentials.DeleteAsync(used);
        input.Name = "renamed";
        var result = await database.Alerts.UpdateAsync(alert, input);

        Assert.False(result.Succeeded);
        Assert.True((await database.Alerts.GetOverviewAsync(alert))!.Auth.IsNoAuth);
    }

    [Fact]
    public async Task The_overview_names_the_headers_a_standard_webhooks_signature_travels_in()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var credential = (await database.Credentials.CreateAsync(new CredentialInput
        {
            Name = "Ledger", Type = CredentialType.HmacSignature, FieldName = "X-Signature", ClientId = "key",
            Secret = CredentialRules.NewStandardWebhooksSecret(), Format = HmacFormat.StandardWebhooks,
        })).Id;
        var alert = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Signed", Hook, credential))).Id;

        var auth = (await database.Alerts.GetOverviewAsync(alert))!.Auth;

        Assert.Equal("webhook-id, webhook-timestamp, webhook-signature", auth.FieldName);
    }

    [Fact]
    public async Task Webhook_input_is_validated_beside_each_field()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var input = AlertInputs.RuntimeAlert("", Hook, credentialId: 999, headers: [("bad header", "x"), ("X-Ok", "a\r\nb")]);
        input.Threshold = null;

        var errors = (await database.Alerts.CreateAsync(input)).Errors!;

        Assert.Equal(["Name is required."], errors["Name"]);
        Assert.Equal(["Threshold is required."], errors["Threshold"]);
        Assert.Contains("Not a valid header name (token)", errors["Headers[0].Name"][0]);
        Assert.Contains("line breaks", errors["Headers[1].Value"][0]);
        Assert.Contains("no longer exists", errors["CredentialId"][0]);
        Assert.Equal(0, (await database.Alerts.ListAsync(new AlertListQuery(AlertKind.RuntimeAlert))).TotalCount);
    }

    [Fact]
    public async Task Lists_each_kind_on_its_own_with_trigger_and_webhook_auth()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var credential = (await database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret("Hyrule"))).Id;
        await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU high", Hook, credential));
        database.Clock.Advance(TimeSpan.FromMinutes(1));
        await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("No auth", Hook));
        await database.Alerts.CreateAsync(AlertInputs.PlatformEvent("Deploy failed"));

        var runtime = await database.Alerts.ListAsync(new AlertListQuery(AlertKind.RuntimeAlert));
        var platform = await database.Alerts.ListAsync(new AlertListQuery(AlertKind.PlatformEvent));

        Assert.Equal(["No auth", "CPU high"], runtime.Items.Select(r => r.Name));
        Assert.Equal(["No Auth", "Hyrule (Client ID and Secret)"], runtime.Items.Select(r => r.WebhookAuth));
        Assert.Equal("CPU usage (%) > 90 for 5 min", runtime.Items[1].Trigger);
        var row = Assert.Single(platform.Items);
        Assert.Equal(("Deployment failed", "No webhook"), (row.Trigger, row.WebhookAuth));
    }
}
