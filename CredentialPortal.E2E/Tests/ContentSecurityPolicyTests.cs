using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;

namespace CredentialPortal.E2E.Tests;

/// <summary>The portal works under its own Content-Security-Policy: no screen trips a violation, and the circuit runs.</summary>
public sealed class ContentSecurityPolicyTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task The_main_screens_work_without_a_single_policy_violation()
    {
        await Page.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation',
                e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
            """);

        var list = await LogInAndOpenCredentialsAsync();
        var form = await list.NewCredentialAsync();
        await form.ChooseTypeAsync("Client ID and Secret");
        await form.CancelButton.ClickAsync();
        await list.ExpectOpenAsync();
        await ExpectNoViolationsAsync();

        var shell = new AppShell(Page);
        var alerts = await shell.OpenRuntimeAlertsAsync();
        await alerts.NewAlertAsync();
        await ExpectNoViolationsAsync();

        await Page.GotoAsync("no-such-page");
        await ExpectNoViolationsAsync();
    }

    private async Task ExpectNoViolationsAsync()
    {
        var violations = await Page.EvaluateAsync<string[]>("() => window.__cspViolations");
        Assert.Empty(violations);
    }
}
