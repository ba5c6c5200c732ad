using Bunit;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Tests.Infrastructure;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

/// <summary>
/// An extra header's messages come from the alert's rules through the form's one validation path: shown beside the
/// field as it is typed, gone once it is right, whether the form or the service found them.
/// </summary>
public sealed class WebhookHeaderValidationTests : PortalComponentTest
{
    private async Task<IRenderedComponent<AlertFormPage>> OpenActionsAsync(params (string, string)[] headers)
    {
        var id = (await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Headers", new Uri("https://hooks.example.com/h"), headers: headers))).Id;
        var page = Render<AlertFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Headers", page.Markup));
        await page.Find("form").SubmitAsync();
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("Header 1 name", page.Markup));
        return page;
    }

    private static IRenderedComponent<MudTextField<string>> Field(IRenderedComponent<AlertFormPage> page, string label) =>
        page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == label);

    [Fact]
    public async Task A_bad_header_name_is_flagged_beside_its_field_as_typed_and_cleared_once_fixed()
    {
        var page = await OpenActionsAsync(("X-Team", "ops"));

        await Field(page, "Header 1 name").Find("input").InputAsync(new() { Value = "X Team" });

        page.WaitForAssertion(() => Assert.Contains("not a valid header name", Field(page, "Header 1 name").Markup));
        await Field(page, "Header 1 name").Find("input").InputAsync(new() { Value = "X-Team" });
        page.WaitForAssertion(() => Assert.Empty(Field(page, "Header 1 name").FindAll(".mud-input-error")));
        Assert.DoesNotContain("not a valid header name", page.Markup);
    }

    [Fact]
    public async Task A_message_from_save_goes_once_its_field_is_fixed()
    {
        var page = await OpenActionsAsync(("X-Team", "ops"), ("X-Env", "prod"));
        await Field(page, "Header 2 name").Find("input").InputAsync(new() { Value = "x-team" });

        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("This header is already listed", Field(page, "Header 2 name").Markup));
        await Field(page, "Header 2 name").Find("input").InputAsync(new() { Value = "X-Region" });
        page.WaitForAssertion(() => Assert.DoesNotContain("This header is already listed", page.Markup));
    }
}
