using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
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
        Assert.Contains("not a valid header name (token)", errors["Headers[0].Name"][0]);
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

    [Fact]
    public async Task Two_creates_with_the_same_key_racing_each_other_make_one_alert_and_both_answer_its_id()
    {
        var gate = new SaveGate<Alert>();
        await using var database = await PortalTestDatabase.CreateAsync(gate.Register);
        var input = AlertInputs.RuntimeAlert("Double click", Hook);
        input.IdempotencyKey = Guid.NewGuid();

        var first = Task.Run(() => database.Alerts.CreateAsync(input));
        var second = Task.Run(() => database.Alerts.CreateAsync(input));
        await gate.WaitForHeldAsync(2);
        gate.Open();
        var results = await Task.WhenAll(first, second);

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(results[0].Id, results[1].Id);
        Assert.Equal(1, (await database.Alerts.ListAsync(new AlertListQuery(AlertKind.RuntimeAlert))).TotalCount);
        Assert.Equal(results[0].Id, (await database.Alerts.CreateAsync(input)).Id);

        var other = AlertInputs.RuntimeAlert("Double click", Hook);
        other.IdempotencyKey = Guid.NewGuid();
        Assert.NotEqual(results[0].Id, (await database.Alerts.CreateAsync(other)).Id);
    }

    [Theory]
    [InlineData("\u200B\u200C")]
    [InlineData("\u202E")]
    [InlineData(" \uFEFF ")]
    public async Task An_alert_name_of_only_invisible_characters_is_refused(string name)
    {
        await using var database = await PortalTestDatabase.CreateAsync();

        var result = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(name, Hook));

        Assert.Equal(["Name is required."], result.Errors!["Name"]);
        Assert.Equal(0, (await database.Alerts.ListAsync(new AlertListQuery(AlertKind.RuntimeAlert))).TotalCount);
    }

    [Fact]
    public async Task An_alert_name_with_a_text_direction_override_is_refused()
    {
        await using var database = await PortalTestDatabase.CreateAsync();

        var result = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU \u202Ehgih", Hook));

        Assert.Contains("text-direction controls", Assert.Single(result.Errors!["Name"]));
    }

    [Fact]
    public async Task An_extra_header_may_not_replace_the_delivery_id_or_its_timestamp()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var input = AlertInputs.RuntimeAlert("Headers", Hook, headers: [("webhook-id", "custom"), ("Webhook-Timestamp", "1")]);

        var errors = (await database.Alerts.CreateAsync(input)).Errors!;

        Assert.Contains("webhook-id cannot be used: the portal sends webhook-id and webhook-timestamp", errors["Headers[0].Name"][0]);
        Assert.Contains("Webhook-Timestamp cannot be used", errors["Headers[1].Name"][0]);
    }

    [Fact]
    public async Task Extra_headers_follow_the_credentials_header_rule_for_names_and_refuse_controls_and_non_ascii_in_values()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var input = AlertInputs.RuntimeAlert("Headers", Hook, headers:
        [
            ("Upgrade", "h2c"), ("Proxy-Authorization", "Basic eA=="), ("Content-Type", "text/plain"), ("X-Tab\t", "x"),
            ("X-Ok-1", "a\tb"), ("X-Ok-2", "d\u007Fe"), ("X-Ok-3", "café"), ("X-Fine", "visible ascii only"),
        ]);

        var errors = (await database.Alerts.CreateAsync(input)).Errors!;

        Assert.Contains("Upgrade cannot be used", errors["Headers[0].Name"][0]);
        Assert.Contains("Proxy-Authorization cannot be used", errors["Headers[1].Name"][0]);
        Assert.Contains("portal sets Content-Type", errors["Headers[2].Name"][0]);
        Assert.Contains("control characters", errors["Headers[3].Name"][0]);
        foreach (var i in new[] { 4, 5, 6 })
        {
            Assert.Contains("visible ASCII characters and spaces only", errors[$"Headers[{i}].Value"][0]);
        }
        Assert.False(errors.ContainsKey("Headers[7].Name") || errors.ContainsKey("Headers[7].Value"));
    }

    [Fact]
    public async Task A_secret_header_is_write_only_empty_keeps_it_typed_replaces_it_and_the_overview_never_carries_it()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var input = AlertInputs.RuntimeAlert("Secret header", Hook, headers: [("X-Team", "ops"), ("X-Api-Key", "k3y-first")]);
        input.Headers[1].Secret = true;
        var id = (await database.Alerts.CreateAsync(input)).Id;

        var (edit, _) = (await database.Alerts.GetForEditAsync(id))!.Value;
        Assert.Equal(("X-Team", "ops", false), (edit.Headers[0].Name, edit.Headers[0].Value, edit.Headers[0].Secret));
        Assert.Equal(("X-Api-Key", "", true, "X-Api-Key"), (edit.Headers[1].Name, edit.Headers[1].Value, edit.Headers[1].Secret, edit.Headers[1].KeptFrom));
        var overview = (await database.Alerts.GetOverviewAsync(id))!.Alert;
        Assert.Equal("", overview.WebhookHeaders.Single(h => h.Secret).Value);

        // Empty keeps the saved value, also under a new name.
        edit.Headers[1].Name = "X-Api-Token";
        Assert.True((await database.Alerts.UpdateAsync(id, edit)).Succeeded);
        Assert.Equal(("X-Api-Token", "k3y-first"), await SentSecretAsync(database, id));

        // Typed replaces it.
        (edit, _) = (await database.Alerts.GetForEditAsync(id))!.Value;
        edit.Headers[1].Value = "k3y-second";
        Assert.True((await database.Alerts.UpdateAsync(id, edit)).Succeeded);
        Assert.Equal(("X-Api-Token", "k3y-second"), await SentSecretAsync(database, id));
    }

    [Fact]
    public async Task Unticking_Secret_on_a_saved_secret_header_needs_its_value_typed_and_then_stores_it_plainly()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var input = AlertInputs.RuntimeAlert("Secret header", Hook, headers: [("X-Api-Key", "k3y-first")]);
        input.Headers[0].Secret = true;
        var id = (await database.Alerts.CreateAsync(input)).Id;

        var (edit, _) = (await database.Alerts.GetForEditAsync(id))!.Value;
        edit.Headers[0].Secret = false;
        var refused = await database.Alerts.UpdateAsync(id, edit);
        Assert.Contains("Type the value", Assert.Single(refused.Errors!["Headers[0].Value"]));
        Assert.Equal(("X-Api-Key", "k3y-first"), await SentSecretAsync(database, id)); // nothing saved is lost

        edit.Headers[0].Value = "k3y-plain";
        Assert.True((await database.Alerts.UpdateAsync(id, edit)).Succeeded);
        var (reloaded, _) = (await database.Alerts.GetForEditAsync(id))!.Value;
        Assert.Equal(("X-Api-Key", "k3y-plain", false), (reloaded.Headers[0].Name, reloaded.Headers[0].Value, reloaded.Headers[0].Secret));
    }

    private static async Task<(string Name, string Value)> SentSecretAsync(PortalTestDatabase database, int alertId)
    {
        var header = (await database.RevealedWebhookHeadersAsync(alertId)).Single(h => h.Secret);
        return (header.Name, header.Value);
    }

    [Fact]
    public async Task A_new_secret_header_needs_a_value_and_a_kept_one_cannot_be_pointed_at_a_header_that_is_not_secret()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var input = AlertInputs.RuntimeAlert("Secret header", Hook, headers: [("X-Api-Key", "")]);
        input.Headers[0].Secret = true;
        Assert.Equal(["A secret header needs a value."], (await database.Alerts.CreateAsync(input)).Errors!["Headers[0].Value"]);

        input = AlertInputs.RuntimeAlert("Plain header", Hook, headers: [("X-Team", "ops")]);
        var id = (await database.Alerts.CreateAsync(input)).Id;
        var (edit, _) = (await database.Alerts.GetForEditAsync(id))!.Value;
        edit.Headers[0] = new HeaderInput { Name = "X-Team", Secret = true, KeptFrom = "X-Team" };

        // Only a saved secret's value can be kept: a plain one is not turned secret behind the form's back.
        Assert.Equal(["A secret header needs a value."], (await database.Alerts.UpdateAsync(id, edit)).Errors!["Headers[0].Value"]);
    }

    // Headers an earlier version wrote exist only in an upgraded SQLite database; PostgreSQL starts with this version.
    [Trait("Provider", "Sqlite")]
    [Fact]
    public async Task An_alert_saved_before_secret_headers_existed_reads_its_headers_as_plain()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        var id = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Old", Hook, headers: [("X-Team", "ops")]))).Id;
        await using (var db = await database.CreateDbContextAsync())
        {
            // The JSON as the previous version wrote it: no "Secret" member.
            var json = """[{"Name":"X-Team","Value":"ops"}]""";
            await db.Database.ExecuteSqlAsync($"UPDATE Alerts SET WebhookHeaders = {json} WHERE Id = {id}");
        }

        var (edit, _) = (await database.Alerts.GetForEditAsync(id))!.Value;

        Assert.Equal(("X-Team", "ops", false), (edit.Headers[0].Name, edit.Headers[0].Value, edit.Headers[0].Secret));
    }

    [Fact]
    public async Task A_page_number_far_past_the_list_is_empty_with_the_total()
    {
        await using var database = await PortalTestDatabase.CreateAsync();
        await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU high", Hook));

        // Its offset would pass int.MaxValue: it must not wrap round to a negative one (SQLite then gave the first page).
        var page = await database.Alerts.ListAsync(new AlertListQuery(AlertKind.RuntimeAlert, Page: 21_474_837, PageSize: 100));

        Assert.Equal((0, 1), (page.Items.Count, page.TotalCount));
    }
}
