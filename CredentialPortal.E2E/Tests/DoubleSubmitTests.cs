using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.E2E.Tests;

/// <summary>One submit, one row: a double click on Save or Enter pressed twice creates one credential or alert.</summary>
public sealed class DoubleSubmitTests(BrowserFixture browser) : PortalTest(browser)
{
    private async Task<CredentialFormPage> FillNewCredentialAsync(CredentialsListPage list, string name)
    {
        var form = await list.NewCredentialAsync();
        await form.Name.FillAsync(name);
        await form.ChooseTypeAsync("Client ID");
        await form.FieldName.FillAsync("clientid");
        await form.Value.FillAsync("client-value-1234");
        return form;
    }

    private async Task ExpectOneCredentialAsync(CredentialsListPage list, string name)
    {
        await list.ExpectOpenAsync();
        await list.ExpectNamesAsync(name);
        await list.ReloadAsync();
        await list.ExpectNamesAsync(name);
        Assert.Equal(1, (await App.Credentials.ListAsync(new CredentialListQuery())).TotalCount);
    }

    [Fact]
    public async Task A_double_click_on_the_credentials_save_creates_one_credential()
    {
        var list = await LogInAndOpenCredentialsAsync();
        var form = await FillNewCredentialAsync(list, "Double clicked");

        await form.SaveButton.DblClickAsync();

        await ExpectOneCredentialAsync(list, "Double clicked");
    }

    [Fact]
    public async Task Enter_pressed_twice_in_the_credential_form_creates_one_credential()
    {
        var list = await LogInAndOpenCredentialsAsync();
        var form = await FillNewCredentialAsync(list, "Entered twice");

        await form.Value.PressAsync("Enter");
        await form.Page.Keyboard.PressAsync("Enter");

        await ExpectOneCredentialAsync(list, "Entered twice");
    }

    private async Task<(AlertListPage List, AlertFormPage Form)> FillNewAlertAsync(string name)
    {
        await LogInAndOpenCredentialsAsync();
        var list = await new AppShell(Page).OpenPlatformEventsAsync();
        var form = await list.NewAlertAsync();
        await form.Name.FillAsync(name);
        await form.NextAsync("CONDITIONS");
        await form.ChooseAsync("Platform event", "Deployment failed");
        await form.NextAsync("ACTIONS");
        await form.EnableWebhookAsync("http://127.0.0.1:9/hooks/once");
        return (list, form);
    }

    private async Task ExpectOneAlertAsync(string name)
    {
        var overview = new AlertOverviewPage(Page, name);
        await overview.ExpectOpenAsync();
        var list = await new AppShell(Page).OpenPlatformEventsAsync();
        await list.ExpectNamesAsync(name);
        Assert.Equal(1, (await App.Alerts.ListAsync(new AlertListQuery(AlertKind.PlatformEvent))).TotalCount);
    }

    [Fact]
    public async Task A_double_click_on_the_alerts_final_save_creates_one_alert()
    {
        var (_, form) = await FillNewAlertAsync("Double clicked alert");

        await form.SaveButton.DblClickAsync();

        await ExpectOneAlertAsync("Double clicked alert");
    }

    [Fact]
    public async Task Enter_pressed_twice_on_the_alerts_last_step_creates_one_alert()
    {
        var (_, form) = await FillNewAlertAsync("Entered twice alert");

        await form.Url.PressAsync("Enter");
        await form.Page.Keyboard.PressAsync("Enter");

        await ExpectOneAlertAsync("Entered twice alert");
    }
}
