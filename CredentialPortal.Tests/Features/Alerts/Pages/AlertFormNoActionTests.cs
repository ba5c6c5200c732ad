using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

/// <summary>An alert whose Webhook is off sends nothing: the form says so, and a Save that would make it so asks first.</summary>
public sealed class AlertFormNoActionTests : PortalComponentTest
{
    private static IElement Button(IRenderedComponent<AlertFormPage> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private string Uri => Services.GetRequiredService<NavigationManager>().Uri;

    private async Task<(int Id, IRenderedComponent<AlertFormPage> Page)> OpenActionsAsync(Uri? url)
    {
        var id = (await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Pager", url))).Id;
        var page = Render<AlertFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Pager", page.Markup));
        await page.Find("form").SubmitAsync();
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Button(page, "Save"));
        return (id, page);
    }

    private static Task TurnWebhookOffAsync(IRenderedComponent<AlertFormPage> page) =>
        page.Find("input[type=checkbox]").ChangeAsync(new() { Value = false }); // the Webhook switch

    [Fact]
    public async Task Turning_the_webhook_off_warns_and_save_asks_first_and_cancel_saves_nothing()
    {
        var (id, page) = await OpenActionsAsync(new Uri("https://hooks.example.com/pager"));
        Assert.Empty(page.FindAll("[data-testid=no-action-warning]"));
        await TurnWebhookOffAsync(page);
        Assert.Contains("this alert will send nothing", page.Find("[data-testid=no-action-warning]").TextContent);

        var saving = page.Find("form").SubmitAsync();
        var dialog = Dialogs.WaitForElement("[role=dialog]");
        Assert.Contains("send nothing", dialog.TextContent);
        Assert.Equal("Save anyway", Dialogs.Find("[data-testid=dialog-confirm]").TextContent.Trim());
        await Dialogs.Find("[data-testid=dialog-cancel]").ClickAsync(new());
        await saving;

        var stored = (await Database.Alerts.GetOverviewAsync(id))!.Alert;
        Assert.Equal((1, true), (stored.Version, stored.WebhookEnabled));
        Assert.DoesNotContain($"/runtime-alerts/{id}", Uri); // still on the form, at ACTIONS where the switch is
        Assert.NotNull(Button(page, "Save"));
    }

    [Fact]
    public async Task Save_anyway_saves_the_alert_without_its_webhook()
    {
        var (id, page) = await OpenActionsAsync(new Uri("https://hooks.example.com/pager"));
        await TurnWebhookOffAsync(page);

        var saving = page.Find("form").SubmitAsync();
        await Dialogs.WaitForElement("[data-testid=dialog-confirm]").ClickAsync(new());
        await saving;

        page.WaitForAssertion(() => Assert.EndsWith($"/flexible-actions/runtime-alerts/{id}", Uri));
        var stored = (await Database.Alerts.GetOverviewAsync(id))!.Alert;
        Assert.Equal((2, false), (stored.Version, stored.WebhookEnabled));
    }

    [Fact]
    public async Task An_alert_already_silent_is_saved_without_asking_again()
    {
        var (id, page) = await OpenActionsAsync(url: null);
        Assert.NotNull(page.Find("[data-testid=no-action-warning]"));

        await page.Find("form").SubmitAsync();

        Assert.Empty(Dialogs.FindAll("[role=dialog]"));
        page.WaitForAssertion(() => Assert.EndsWith($"/flexible-actions/runtime-alerts/{id}", Uri));
    }
}
