using System.Text.Json;
using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Alerts;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// An alert's webhook picks a credential, the request that really leaves the portal carries it
/// as the wire format says, and deleting the credential turns the webhook into No Auth.
/// </summary>
public sealed class AlertWebhookTests(BrowserFixture browser) : PortalTest(browser)
{
    /// <summary>The documented example: Base64 of "link" + "epona".</summary>
    private const string WireValue = "bGlua2Vwb25h";

    [Fact]
    public async Task Runtime_alert_webhook_carries_the_credential_in_header_then_query_and_no_auth_once_it_is_deleted()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var hookUrl = receiver.Url("/hooks/alert?team=ops");
        var wire = new WireRecorder(Page);
        var shell = new AppShell(Page);

        // The documented credential, through the credentials form.
        var credentials = await LogInAndOpenCredentialsAsync();
        var credentialForm = await credentials.NewCredentialAsync();
        await credentialForm.Name.FillAsync("Hyrule");
        await credentialForm.ChooseTypeAsync("Client ID and Secret");
        await credentialForm.FieldName.FillAsync("clientid");
        await credentialForm.ChooseLocationAsync("Header");
        await credentialForm.ClientId.FillAsync("link");
        await credentialForm.Secret.FillAsync("epona");
        await credentialForm.SaveAsync();
        await credentials.ExpectOpenAsync();
        await credentials.ExpectNamesAsync("Hyrule");

        // Flexible Actions › Runtime Alerts › New alert, step by step.
        var alerts = await shell.OpenRuntimeAlertsAsync();
        await Expect(alerts.EmptyState).ToBeVisibleAsync();
        var form = await alerts.NewAlertAsync();
        await form.Name.FillAsync("Checkout CPU hot");
        await form.NextAsync("CONDITIONS");
        await form.SetConditionAsync("CPU usage (%)", ">", "90", "5 min");
        await form.NextAsync("ACTIONS");

        await Expect(form.WebhookSwitch).Not.ToBeCheckedAsync();
        await Expect(form.Url).ToHaveCountAsync(0);
        await form.EnableWebhookAsync(hookUrl);
        await form.ExpectChoiceAsync("Method", "POST");
        await form.ExpectChoiceAsync("Credential", "No Auth");
        Assert.Equal(0, await form.CountUnnamedButtonsAsync());

        // No Auth, Inherit (the workspace's credential) and the credential, shown with its type and last-modified date.
        await form.OpenCredentialChoicesAsync();
        await Expect(form.Options).ToHaveTextAsync([
            new Regex(@"^\s*No Auth\s*$"),
            new Regex(@"^\s*Inherit\s*The workspace's credential, set in Settings › Hierarchy\s*$"),
            new Regex(@"^\s*Hyrule\s*Client ID and Secret · modified \w{3} \d{1,2}, \d{4}, \d{2}:\d{2} UTC\s*$"),
        ]);
        await Page.Keyboard.PressAsync("Escape");
        await form.ChooseCredentialAsync("Hyrule");
        // Back and Next again: the step still shows the credential that Save stores.
        await form.BackAsync("CONDITIONS");
        await form.NextAsync("ACTIONS");
        await form.ExpectChoiceAsync("Credential", "Hyrule");

        var overview = await form.SaveAsync("Checkout CPU hot");
        await Expect(overview.Snackbar("Checkout CPU hot")).ToContainTextAsync("saved");
        await Expect(overview.Trigger).ToHaveTextAsync("CPU usage (%) > 90 for 5 min");
        await Expect(overview.WebhookUrl).ToHaveTextAsync(hookUrl);
        await Expect(overview.WebhookMethod).ToHaveTextAsync("POST");
        await Expect(overview.Auth).ToContainTextAsync("Hyrule");
        await Expect(overview.Auth).ToContainTextAsync("Client ID and Secret");
        await Expect(overview.Auth).ToContainTextAsync(new Regex(@"header\s+clientid"));
        await Expect(overview.DeliveryLog).ToContainTextAsync("Nothing sent yet");

        // Send test: the credential travels as a header, the URL's own query kept.
        var outcome = await overview.SendTestAsync();
        await Expect(outcome).ToContainTextAsync("Delivered");
        await Expect(outcome).ToContainTextAsync("HTTP 200");
        var first = (await receiver.WaitForRequestsAsync(1)).Single();
        Assert.Equal("POST", first.Method);
        Assert.Equal("/hooks/alert", first.Path);
        Assert.Equal("?team=ops", first.Query);
        Assert.Equal(WireValue, first.Header("clientid"));
        using (var body = JsonDocument.Parse(first.Body))
        {
            Assert.True(body.RootElement.GetProperty("is_test").GetBoolean());
            Assert.Equal("Checkout CPU hot", body.RootElement.GetProperty("alert_name").GetString());
            Assert.Equal("runtime_alert", body.RootElement.GetProperty("kind").GetString());
            Assert.True(body.RootElement.GetProperty("alert_id").GetInt32() > 0);
            Assert.True(body.RootElement.TryGetProperty("timestamp", out _));
        }

        // The credential's Location becomes Query Param (its client id and secret are kept).
        credentials = await shell.OpenWebhookCredentialsAsync();
        credentialForm = await credentials.EditAsync("Hyrule");
        await credentialForm.ChooseLocationAsync("Query Param");
        await credentialForm.SaveAsync();
        await credentials.ExpectOpenAsync();

        alerts = await shell.OpenRuntimeAlertsAsync();
        await alerts.ExpectNamesAsync("Checkout CPU hot");
        await Expect(alerts.Cells("Checkout CPU hot").Nth(2)).ToHaveTextAsync("Hyrule (Client ID and Secret)");
        overview = await alerts.OpenAsync("Checkout CPU hot");
        await Expect(overview.Auth).ToContainTextAsync(new Regex(@"query param\s+clientid"));

        outcome = await overview.SendTestAsync();
        await Expect(outcome).ToContainTextAsync("Delivered");
        await Expect(outcome).ToContainTextAsync("HTTP 200");
        var second = (await receiver.WaitForRequestsAsync(2))[1];
        Assert.Equal("/hooks/alert", second.Path);
        Assert.Equal($"?team=ops&clientid={WireValue}", second.Query);
        Assert.Null(second.Header("clientid"));

        // Both deliveries in the log, newest first, the credential's value masked in each one's attempt.
        await Expect(overview.DeliveryRows).ToHaveCountAsync(2);
        foreach (var index in new[] { 0, 1 })
        {
            await Expect(overview.DeliveryCell(index, "Time")).ToContainTextAsync("Test");
            await Expect(overview.DeliveryStatus(index)).ToHaveTextAsync("Delivered");
            await Expect(overview.DeliveryCell(index, "HTTP status")).ToHaveTextAsync("200");
            await Expect(overview.DeliveryCell(index, "Attempts")).ToHaveTextAsync("1");
        }
        var newest = await overview.ShowAttemptsAsync(0);
        await Expect(newest).ToHaveCountAsync(1);
        await Expect(newest).ToContainTextAsync("/hooks/alert?team=ops&clientid=****");
        await Expect(newest).Not.ToContainTextAsync("clientid: ");
        var older = await overview.ShowAttemptsAsync(1);
        await Expect(overview.DeliveryLog.Locator("tr.delivery-attempts").Nth(1)).ToContainTextAsync("clientid: ****");
        await Expect(overview.DeliveryLog.Locator("tr.delivery-attempts").Nth(1)).ToContainTextAsync("/hooks/alert?team=ops");
        await Expect(overview.DeliveryLog.Locator("tr.delivery-attempts").Nth(1)).Not.ToContainTextAsync("clientid=");
        Assert.NotNull(older);
        await Expect(overview.DeliveryLog).Not.ToContainTextAsync(WireValue);

        // Deleting the credential: the dialog names the alert that uses it.
        credentials = await shell.OpenWebhookCredentialsAsync();
        var dialog = await credentials.DeleteAsync("Hyrule");
        await Expect(dialog.ListedAlerts).ToHaveCountAsync(1);
        await Expect(dialog.ListedAlerts).ToContainTextAsync("Checkout CPU hot");
        await Expect(dialog.ListedAlerts.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", new Regex(@"flexible-actions/runtime-alerts/\d+$"));
        await dialog.ConfirmAsync();
        await Expect(credentials.Snackbar("deleted")).ToContainTextAsync("Hyrule");
        await Expect(credentials.Rows).ToHaveCountAsync(0);

        alerts = await shell.OpenRuntimeAlertsAsync();
        await Expect(alerts.Cells("Checkout CPU hot").Nth(2)).ToHaveTextAsync("No Auth");
        overview = await alerts.OpenAsync("Checkout CPU hot");
        await Expect(overview.Auth).ToContainTextAsync("No Auth");
        await Expect(overview.Auth).ToContainTextAsync(new Regex("“Hyrule” was deleted on .*UTC"));
        await Expect(overview.WebhookUrl).ToHaveTextAsync(hookUrl);

        // Send test now carries no credential at all.
        outcome = await overview.SendTestAsync();
        await Expect(outcome).ToContainTextAsync("Delivered");
        var third = (await receiver.WaitForRequestsAsync(3))[2];
        Assert.Equal("?team=ops", third.Query);
        Assert.DoesNotContain("clientid", third.QueryNames);
        Assert.Null(third.Header("clientid"));
        Assert.DoesNotContain(third.Headers.Values, value => value.Contains(WireValue, StringComparison.Ordinal));
        await Expect(overview.DeliveryRows).ToHaveCountAsync(3);
        await Expect(await overview.ShowAttemptsAsync(0)).Not.ToContainTextAsync("clientid");
        Assert.Equal(3, receiver.Requests.Count);

        // The portal never sent the wire value to the browser.
        Assert.True(wire.FrameCount > 0, "The circuit's WebSocket frames were not recorded.");
        Assert.False(await wire.SawAsync(WireValue), "The credential's wire value reached the browser.");
    }

    [Fact]
    public async Task Platform_event_alert_with_no_auth_is_sent_edited_and_deleted_after_a_confirmation()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var hookUrl = receiver.Url("/hooks/platform");
        var shell = new AppShell(Page);
        await LogInAndOpenCredentialsAsync();

        var alerts = await shell.OpenPlatformEventsAsync();
        var form = await alerts.NewAlertAsync();
        await form.Name.FillAsync("Deploy failed");
        await form.NextAsync("CONDITIONS");
        await form.ChooseAsync("Platform event", "Deployment failed");
        await form.NextAsync("ACTIONS");
        await form.EnableWebhookAsync(hookUrl);
        await form.ChooseAsync("Method", "PUT");
        await form.AddHeaderAsync(1, "X-Team", "platform");
        await form.ExpectChoiceAsync("Credential", "No Auth");

        var overview = await form.SaveAsync("Deploy failed");
        await Expect(overview.Trigger).ToHaveTextAsync("Deployment failed");
        await Expect(overview.WebhookUrl).ToHaveTextAsync(hookUrl);
        await Expect(overview.WebhookMethod).ToHaveTextAsync("PUT");
        await Expect(overview.ExtraHeaders).ToHaveTextAsync("X-Team");
        await Expect(overview.Auth).ToHaveTextAsync("No Auth");

        var outcome = await overview.SendTestAsync();
        await Expect(outcome).ToContainTextAsync("Delivered");
        var request = (await receiver.WaitForRequestsAsync(1)).Single();
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/hooks/platform", request.Path);
        Assert.Equal("", request.Query);
        Assert.Equal("platform", request.Header("X-Team"));
        Assert.Null(request.Header("clientid"));
        // The log shows the extra header as sent: it is not marked secret.
        await Expect(await overview.ShowAttemptsAsync(0)).ToContainTextAsync("X-Team: platform");

        // Edit: a new name; the other steps keep what was saved.
        form = await overview.EditAsync(AlertListPage.PlatformEvents);
        await form.Name.FillAsync("Deploy failed (prod)");
        await form.NextAsync("CONDITIONS");
        await form.ExpectChoiceAsync("Platform event", "Deployment failed");
        await form.NextAsync("ACTIONS");
        await Expect(form.WebhookSwitch).ToBeCheckedAsync();
        await Expect(form.Url).ToHaveValueAsync(hookUrl);
        await form.ExpectChoiceAsync("Method", "PUT");
        await Expect(form.HeaderName(1)).ToHaveValueAsync("X-Team");
        await form.ExpectChoiceAsync("Credential", "No Auth");
        overview = await form.SaveAsync("Deploy failed (prod)");
        await Expect(overview.Auth).ToHaveTextAsync("No Auth");

        alerts = await shell.OpenPlatformEventsAsync();
        await alerts.ExpectNamesAsync("Deploy failed (prod)");
        await Expect(alerts.Cells("Deploy failed (prod)").Nth(1)).ToHaveTextAsync("Deployment failed");
        overview = await alerts.OpenAsync("Deploy failed (prod)");

        // Delete asks first: Cancel keeps the alert, Delete removes it.
        var dialog = await overview.DeleteAsync();
        await dialog.CancelAsync();
        await Expect(overview.Snackbar("kept")).ToHaveCountAsync(0); // cancelling changes nothing, so says nothing
        await overview.ExpectOpenAsync();

        dialog = await overview.DeleteAsync();
        await dialog.ConfirmAsync();
        await alerts.ExpectOpenAsync();
        await Expect(alerts.Snackbar("deleted")).ToContainTextAsync("Deploy failed (prod)");
        await Expect(alerts.EmptyState).ToBeVisibleAsync();
        await alerts.ReloadAsync();
        await Expect(alerts.EmptyState).ToBeVisibleAsync();
        Assert.Equal(0, (await App.Alerts.ListAsync(new AlertListQuery(AlertKind.PlatformEvent))).TotalCount);
    }

    [Fact]
    public async Task A_test_the_receiver_answers_500_says_when_the_next_attempt_is_due_and_its_row_waits_for_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.StatusCode = 500;
        var saved = await App.Alerts.CreateAsync(new AlertInput
        {
            Name = "Latency watch",
            Kind = AlertKind.RuntimeAlert,
            Metric = "http.latency_p95_ms",
            Threshold = 800,
            WebhookEnabled = true,
            WebhookUrl = receiver.Url("/hooks/failing"),
        });
        Assert.Equal(SaveStatus.Saved, saved.Status);

        await LogInAndOpenCredentialsAsync();
        var alerts = await new AppShell(Page).OpenRuntimeAlertsAsync();
        var overview = await alerts.OpenAsync("Latency watch");

        var outcome = await overview.SendTestAsync();
        await Expect(outcome).ToContainTextAsync("Not delivered yet: HTTP 500");
        await Expect(outcome).ToContainTextAsync("The next attempt is due at");
        Assert.Single(await receiver.WaitForRequestsAsync(1));

        await Expect(overview.DeliveryStatus(0)).ToHaveTextAsync(new Regex("Pending|Delivering"));
        await Expect(overview.DeliveryCell(0, "HTTP status")).ToHaveTextAsync("500");
        await Expect(overview.DeliveryCell(0, "Time")).ToContainTextAsync("Test");
    }
}
