using System.Security.Claims;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.E2E.Tests;

/// <summary>After a session of edits, the Audit log lists them newest first without a secret, and History narrows it to one object.</summary>
public sealed class AuditLogTests(BrowserFixture browser) : PortalTest(browser)
{
    private const string FirstSecret = "Audit-First-Secret-4411";
    private const string SecondSecret = "Audit-Second-Secret-8822";

    [Fact]
    public async Task A_session_of_edits_is_listed_newest_first_with_Secret_changed_and_History_shows_one_credential()
    {
        await CreateCredentialAsync("Other credential");
        await CreateAlertAsync("Latency high", "http://127.0.0.1:9/hooks/latency", "Other credential");
        var wire = new WireRecorder(Page);
        var list = await LogInAndOpenCredentialsAsync();

        // Create a credential, edit it, change its secret.
        var form = await list.NewCredentialAsync();
        await form.ChooseTypeAsync("Client ID and Secret");
        await form.Name.FillAsync("Billing partner");
        await form.FieldName.FillAsync("auth");
        await form.ClientId.FillAsync("billing-client");
        await form.Secret.FillAsync(FirstSecret);
        await form.SaveAsync();
        await list.ExpectOpenAsync();
        form = await list.EditAsync("Billing partner");
        await form.Name.FillAsync("Billing partner EU");
        await form.SaveAsync();
        await list.ExpectOpenAsync();
        form = await list.EditAsync("Billing partner EU");
        await form.ReplaceAsync("Secret");
        await form.Secret.FillAsync(SecondSecret);
        await form.SaveAsync();
        await list.ExpectOpenAsync();

        // Edit an alert.
        var shell = new AppShell(Page);
        var overview = await OpenAlertAsync(shell, "Latency high");
        var alertForm = await overview.EditAsync(AlertListPage.RuntimeAlerts);
        await alertForm.Name.FillAsync("Latency very high");
        await alertForm.NextAsync("CONDITIONS");
        await alertForm.NextAsync("ACTIONS");
        await alertForm.SaveAsync("Latency very high");

        await shell.NavLink("Audit log").ClickAsync();
        var audit = new AuditLogPage(Page);
        await audit.ExpectOpenAsync();
        await Expect(audit.Cell(0, "Action")).ToHaveTextAsync("alert.edited");
        // Log-ins are entries too; the changes are these, newest first.
        Assert.Equal(
            ["alert.edited", "credential.edited", "credential.edited", "credential.created", "alert.created", "credential.created"],
            (await audit.Actions.AllTextContentsAsync()).Select(a => a.Trim()).Where(a => !a.StartsWith("user.", StringComparison.Ordinal)));
        await Expect(audit.Cell(0, "Who")).ToHaveTextAsync(PortalApplication.AdminEmail);
        await Expect(audit.Cell(0, "Changes")).ToContainTextAsync("Name: Latency high → Latency very high");
        await Expect(audit.Cell(1, "Object")).ToContainTextAsync("Billing partner EU");
        await Expect(audit.Cell(1, "Changes")).ToHaveTextAsync("Secret: Secret changed");
        await Expect(audit.Cell(2, "Changes")).ToContainTextAsync("Name: Billing partner → Billing partner EU");
        // The arranged entries were made by the portal itself, not by the person.
        await Expect(audit.Rows.Last.Locator("td[data-label='Who']")).ToHaveTextAsync("system");
        await Expect(Page.Locator("body")).Not.ToContainTextAsync(FirstSecret);
        await Expect(Page.Locator("body")).Not.ToContainTextAsync(SecondSecret);

        // The credential's own History: its three entries, nothing of the other credential or the alert.
        await audit.Cell(1, "Object").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page.GetByTestId("audit-history-link")).ToBeVisibleAsync();
        await Page.GetByTestId("audit-history-link").ClickAsync();
        await audit.ExpectOpenAsync();
        await Expect(audit.ObjectIdFilter).ToContainTextAsync("Billing partner EU");
        await Expect(audit.Actions).ToHaveTextAsync(["credential.edited", "credential.edited", "credential.created"]);
        Assert.Contains("object=credential", Page.Url);

        Assert.False(await wire.SawAsync(FirstSecret), "A secret reached the browser.");
        Assert.False(await wire.SawAsync(SecondSecret), "A secret reached the browser.");
    }

    [Fact]
    public async Task The_audit_log_reads_on_a_phone()
    {
        await CreateCredentialAsync("Phone credential");
        await LogInAndOpenCredentialsAsync();
        await Page.SetViewportSizeAsync(390, 844);

        var audit = new AuditLogPage(Page);
        await audit.GotoAsync();

        await Expect(audit.Cell(0, "Action")).ToHaveTextAsync("user.logged-in");
        await Expect(audit.Cell(1, "Action")).ToHaveTextAsync("credential.created");
        Assert.True(await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "The audit log scrolls sideways at 390 px.");
    }
}
