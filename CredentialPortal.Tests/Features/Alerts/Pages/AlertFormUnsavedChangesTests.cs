using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

/// <summary>
/// Leaving the alert form with unsaved changes asks first; an untouched form and Cancel leave at once. (Leave in the
/// dialog going on is the shared component's, covered in the browser on the credential form.)
/// </summary>
public sealed class AlertFormUnsavedChangesTests : PortalComponentTest
{
    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private async Task<(int Id, IRenderedComponent<AlertFormPage> Page)> OpenAsync()
    {
        var id = (await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Pager", new Uri("https://hooks.example.com/pager")))).Id;
        var page = Render<AlertFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Pager", page.Markup));
        return (id, page);
    }

    [Fact]
    public async Task A_changed_name_asks_before_leaving_and_cancel_stays()
    {
        var (_, page) = await OpenAsync();
        await page.Find("input").InputAsync(new() { Value = "Pager renamed" });
        var before = Navigation.Uri;

        await page.InvokeAsync(() => Navigation.NavigateTo("/credentials"));
        var dialog = Dialogs.WaitForElement("[role=dialog]");
        Assert.Contains("not been saved", dialog.TextContent);
        await Dialogs.Find("[data-testid=dialog-cancel]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[role=dialog]")));
        Assert.Equal(before, Navigation.Uri);
    }

    [Fact]
    public async Task An_untouched_form_and_cancel_leave_without_asking()
    {
        var (id, page) = await OpenAsync();
        await page.InvokeAsync(() => Navigation.NavigateTo("/credentials"));
        Assert.Empty(Dialogs.FindAll("[role=dialog]"));
        Assert.EndsWith("/credentials", Navigation.Uri);

        var again = Render<AlertFormPage>(p => p.Add(x => x.Id, id));
        again.WaitForAssertion(() => Assert.Contains("Pager", again.Markup));
        await again.Find("input").InputAsync(new() { Value = "Pager renamed" });
        await again.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").ClickAsync(new());
        Assert.Empty(Dialogs.FindAll("[role=dialog]"));
        Assert.EndsWith($"/flexible-actions/runtime-alerts/{id}", Navigation.Uri);
    }

    /// <summary>What the page last told the browser's reload-and-close prompt.</summary>
    private bool? LastUnsaved() => JSInterop.Invocations.Where(i => i.Identifier == "setUnsaved").Select(i => (bool?)i.Arguments[0]).LastOrDefault();

    [Fact]
    public async Task An_edit_of_the_webhook_action_alone_arms_the_reload_and_close_prompt()
    {
        var (_, page) = await OpenAsync();
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("CONDITIONS", page.Find("[aria-current=step]").TextContent));
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("ACTIONS", page.Find("[aria-current=step]").TextContent));
        Assert.NotEqual(true, LastUnsaved());

        var url = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "URL");
        await url.Find("input").InputAsync(new() { Value = "https://hooks.example.com/changed" });

        page.WaitForAssertion(() => Assert.Equal(true, LastUnsaved()));
    }
}
