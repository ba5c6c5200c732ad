using System.Text;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Xunit.Abstractions;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// axe-core scans every main screen, in the states a person meets them (empty, with rows, with messages, dialogs open),
/// and finds no serious or critical violation: contrast, landmarks, names of controls.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture browser, ITestOutputHelper output) : PortalTest(browser)
{
    private static readonly string[] BlockingImpacts = ["serious", "critical"];

    /// <summary>Moderate by axe's scale, but blocking here: without landmarks a screen reader cannot jump to the content.</summary>
    private static readonly string[] BlockingRules = ["landmark-one-main", "region", "page-has-heading-one"];

    private readonly List<string> violations = [];

    [Fact]
    public async Task Account_pages_setup_login_home_and_change_password()
    {
        await using (var fresh = PortalApplication.Start(seedAdministrator: false))
        {
            await Page.GotoAsync(fresh.BaseUrl + "Account/Setup");
            await new SetupPage(Page).ExpectOpenAsync();
            await ScanAsync("setup");
            await new SetupPage(Page).CreateAdministratorAsync("WRNG-CODE-0000-0000-0000", "a@portal.test", "short");
            await Expect(Page.Locator(".validation-message").First).ToBeVisibleAsync();
            await ScanAsync("setup with messages");
        }

        var login = new LoginPage(Page);
        await login.GotoAsync();
        await ScanAsync("login");
        await login.LogInAsync(PortalApplication.AdminEmail, "wrong-password");
        await Expect(login.Error).ToBeVisibleAsync();
        await ScanAsync("login with an error");

        await login.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);
        await new AppShell(Page).ExpectLoggedInAsync(PortalApplication.AdminEmail);
        await ScanAsync("home");

        var change = new ChangePasswordPage(Page);
        await change.GotoAsync();
        await ScanAsync("change password");
        await change.ChangeAsync("wrong-old-password", "N3w-Passw0rd-After");
        await Expect(Page.Locator(".validation-message").First).ToBeVisibleAsync();
        await ScanAsync("change password with an error");

        AssertNoViolations();
    }

    [Fact]
    public async Task Credential_screens_list_forms_and_delete_dialog()
    {
        var list = await LogInAndOpenCredentialsAsync();
        await Expect(list.EmptyState).ToBeVisibleAsync();
        await ScanAsync("credentials, empty");

        var form = await list.NewCredentialAsync();
        await form.SaveAsync();
        await Expect(form.Name).ToHaveAttributeAsync("aria-invalid", "true");
        await ScanAsync("new credential with errors");
        foreach (var type in new[] { "Client ID", "Client ID and Secret", "Bearer Token", "Basic Auth", "HMAC Signature", "OAuth 2.0" })
        {
            await form.ChooseTypeAsync(type);
            await ScanAsync($"new credential, {type}");
        }
        foreach (var grant in new[] { "Password Credentials", "Client Credentials with JWT" })
        {
            await form.ChooseGrantTypeAsync(grant);
            await ScanAsync($"new credential, OAuth 2.0 {grant}");
        }
        await form.CancelButton.ClickAsync();
        await list.ExpectOpenAsync();

        await CreateCredentialAsync("Taken name");
        await list.ReloadAsync();
        form = await list.NewCredentialAsync();
        await form.EnterAsync(form.Name, "Taken name");
        await Expect(form.NameTakenCaution).ToBeVisibleAsync();
        await ScanAsync("new credential, name taken caution");
        await form.ChooseTypeAsync("Client ID");
        await form.FieldName.FillAsync("clientid");
        await form.ChooseLocationAsync("Header");
        await form.Value.FillAsync("value-1234");
        await form.Name.FillAsync("Second");
        await form.SaveAsync();
        await list.ExpectOpenAsync();
        await Expect(list.Snackbar("Second")).ToBeVisibleAsync();
        await ScanAsync("credentials with rows and a success snackbar");

        var edit = await list.EditAsync("Second");
        await ScanAsync("edit credential");
        await edit.CancelButton.ClickAsync();
        await list.ExpectOpenAsync();

        await list.DeleteAsync("Second");
        await ScanAsync("delete dialog");

        AssertNoViolations();
    }

    [Fact]
    public async Task Alert_screens_lists_form_steps_and_overview_with_a_delivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await CreateCredentialAsync("Hook key");
        await LogInAndOpenCredentialsAsync();
        var shell = new AppShell(Page);

        await shell.OpenPlatformEventsAsync();
        await ScanAsync("platform events, empty");
        var alerts = await shell.OpenRuntimeAlertsAsync();
        await ScanAsync("runtime alerts, empty");

        var form = await alerts.NewAlertAsync();
        await ScanAsync("alert form, GENERAL");
        await form.NextButton.ClickAsync();
        await ScanAsync("alert form, GENERAL with an error");
        await form.Name.FillAsync("Checkout slow");
        await form.NextAsync("CONDITIONS");
        await ScanAsync("alert form, CONDITIONS");
        await form.SetConditionAsync("CPU usage (%)", ">", "90", "5 min");
        await form.NextAsync("ACTIONS");
        await ScanAsync("alert form, ACTIONS");
        await form.EnableWebhookAsync(receiver.Url("/hook"));
        await form.ChooseCredentialAsync("Hook key");
        await ScanAsync("alert form, ACTIONS with a webhook");

        var overview = await form.SaveAsync("Checkout slow");
        await Expect(overview.Snackbar("Checkout slow")).ToBeVisibleAsync();
        await ScanAsync("alert overview with a success snackbar");
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");
        await ScanAsync("alert overview with a delivery log row");
        await overview.ShowAttemptsAsync(0);
        await ScanAsync("alert overview with a delivery's attempts shown");

        await Page.GotoAsync("flexible-actions/deliveries");
        await Expect(Page.Locator("tr.delivery-row")).ToHaveCountAsync(1);
        await ScanAsync("deliveries with a row");

        alerts = await shell.OpenRuntimeAlertsAsync();
        await Expect(alerts.Row("Checkout slow")).ToBeVisibleAsync();
        await ScanAsync("runtime alerts with a row");

        AssertNoViolations();
    }

    [Fact]
    public async Task Dark_palette_home_credentials_form_and_alert_form()
    {
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await CreateCredentialAsync("Dark one");
        var list = await LogInAndOpenCredentialsAsync();
        await Expect(Page.Locator("[data-theme=dark]")).ToBeAttachedAsync();
        await ScanAsync("dark: credentials with a row");

        var form = await list.NewCredentialAsync();
        await form.SaveAsync();
        await Expect(form.Name).ToHaveAttributeAsync("aria-invalid", "true");
        await ScanAsync("dark: new credential with errors");
        await form.CancelButton.ClickAsync();

        var shell = new AppShell(Page);
        var alerts = await shell.OpenRuntimeAlertsAsync();
        var alertForm = await alerts.NewAlertAsync();
        await ScanAsync("dark: alert form");

        await Page.GotoAsync("");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await ScanAsync("dark: home");

        var login = new LoginPage(await NewPageAsync());
        await login.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await login.GotoAsync();
        await ScanAsync("dark: login", login.Page);

        AssertNoViolations();
    }

    /// <summary>Runs axe once every transition has ended; keeps the serious and critical violations it reports.</summary>
    private async Task ScanAsync(string screen, IPage? page = null)
    {
        page ??= Page;
        await page.EvaluateAsync("() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))");
        var result = await page.RunAxe();
        foreach (var violation in result.Violations.Where(v => BlockingImpacts.Contains(v.Impact) || BlockingRules.Contains(v.Id)))
        {
            var text = new StringBuilder($"[{screen}] {violation.Id} ({violation.Impact}): {violation.Help}");
            foreach (var node in violation.Nodes)
            {
                var checks = (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(check => check.Message);
                text.Append($"\n    {node.Target}: {string.Join(" ", checks)}");
            }
            violations.Add(text.ToString());
        }
    }

    private void AssertNoViolations()
    {
        foreach (var violation in violations)
        {
            output.WriteLine(violation);
        }
        Assert.True(violations.Count == 0, "axe found serious or critical violations:\n" + string.Join("\n", violations));
    }
}
