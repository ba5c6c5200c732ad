using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Credentials.Pages;

/// <summary>
/// Stored write-only values read "Configured · ends in …" with Replace; identifiers are shown; the request preview
/// follows what is typed and masks what is stored.
/// </summary>
public sealed class CredentialFormStoredSecretTests : PortalComponentTest
{
    private static IElement Button(IRenderedComponent<CredentialFormPage> page, string accessibleName) =>
        page.FindAll("button").Single(b => (b.GetAttribute("aria-label") ?? b.TextContent.Trim()) == accessibleName);

    private static IRenderedComponent<MudTextField<string>>? Field(IRenderedComponent<CredentialFormPage> page, string label) =>
        page.FindComponents<MudTextField<string>>().SingleOrDefault(f => f.Instance.Label == label);

    private static string Preview(IRenderedComponent<CredentialFormPage> page) => page.Find("[data-testid=request-preview]").TextContent;

    private async Task<int> SeedBearerAsync(string token = "tok_secret_value_y123") =>
        await SeedAsync(new CredentialInput { Name = "Orders", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = token });

    [Fact]
    public async Task A_stored_token_reads_configured_with_its_ending_and_Replace_opens_an_empty_input_that_Keep_saved_closes()
    {
        var id = await SeedBearerAsync();
        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.Equal("Configured · ends in …y123", page.Find("[data-testid=stored-state]").TextContent));
        Assert.Null(Field(page, "Token"));
        Assert.Contains("Authorization: Bearer ****", Preview(page));

        await Button(page, "Replace Token").ClickAsync(new());
        var token = Field(page, "Token");
        Assert.NotNull(token);
        Assert.Equal("password", token.Find("input").GetAttribute("type"));
        Assert.True(string.IsNullOrEmpty(token.Find("input").GetAttribute("value")));

        await token.Find("input").InputAsync(new() { Value = "tok_typed" });
        Assert.Contains("Authorization: Bearer ****", Preview(page)); // hidden while the token is
        await Button(page, "Show Token").ClickAsync(new());
        Assert.Contains("Authorization: Bearer tok_typed", Preview(page));

        await Button(page, "Keep the saved Token").ClickAsync(new());
        Assert.Null(Field(page, "Token"));
        Assert.Equal("Configured · ends in …y123", page.Find("[data-testid=stored-state]").TextContent);
        Assert.Contains("Authorization: Bearer ****", Preview(page));
    }

    [Fact]
    public async Task Saving_without_replacing_keeps_the_token_and_a_replaced_one_is_saved()
    {
        var id = await SeedBearerAsync();
        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.NotNull(Field(page, "Name")));

        await Field(page, "Name")!.Find("input").InputAsync(new() { Value = "Orders renamed" });
        // A saved form navigates away; the database is read after that, awaited: blocking on it inside a wait would hold
        // the renderer's thread that the read's continuation needs (a hang wherever the read is really asynchronous).
        var navigation = Services.GetRequiredService<NavigationManager>();
        var before = navigation.Uri;
        await Button(page, "Save").ClickAsync(new());
        page.WaitForAssertion(() => Assert.NotEqual(before, navigation.Uri));
        Assert.Equal("Orders renamed", (await Credentials.GetForEditAsync(id))!.Name);
        Assert.Equal("tok_secret_value_y123", (await Credentials.ResolveAsync(id))!.Secret);

        navigation.NavigateTo($"integrations/webhook-credentials/{id}"); // back on the form, as a person would be
        var again = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));
        again.WaitForAssertion(() => Assert.NotNull(again.Find("[data-testid=stored-state]")));
        await Button(again, "Replace Token").ClickAsync(new());
        await Field(again, "Token")!.Find("input").InputAsync(new() { Value = "tok_rotated_value_z789" });
        before = navigation.Uri;
        await Button(again, "Save").ClickAsync(new());
        again.WaitForAssertion(() => Assert.NotEqual(before, navigation.Uri));
        Assert.Equal("tok_rotated_value_z789", (await Credentials.ResolveAsync(id))!.Secret);
        Assert.Equal("z789", (await Credentials.GetForEditAsync(id))!.SecretHint);
    }

    [Fact]
    public async Task A_row_saved_before_hints_reads_just_configured()
    {
        var id = await SeedBearerAsync();
        await using (var db = await Database.CreateDbContextAsync())
        {
            await db.Credentials.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.SecretHint, (string?)null));
        }

        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.Equal("Configured", page.Find("[data-testid=stored-state]").TextContent));
    }

    [Fact]
    public async Task The_secret_input_has_a_show_hide_toggle()
    {
        var page = Render<CredentialFormPage>();
        await page.InvokeAsync(() => page.FindComponents<MudSelect<CredentialType?>>().Single().Instance.ValueChanged.InvokeAsync(CredentialType.ClientIdAndSecret));
        page.WaitForAssertion(() => Assert.NotNull(Field(page, "Secret")));
        Assert.Equal("password", Field(page, "Secret")!.Find("input").GetAttribute("type"));

        await Button(page, "Show Secret").ClickAsync(new());

        Assert.Equal("text", Field(page, "Secret")!.Find("input").GetAttribute("type"));
        Assert.NotNull(Button(page, "Hide Secret"));
    }

    [Fact]
    public async Task The_preview_follows_what_is_typed_as_the_spec_shows_it_once_the_secrets_are_shown()
    {
        var page = Render<CredentialFormPage>();
        await page.InvokeAsync(() => page.FindComponents<MudSelect<CredentialType?>>().Single().Instance.ValueChanged.InvokeAsync(CredentialType.ClientIdAndSecret));
        page.WaitForAssertion(() => Assert.NotNull(Field(page, "Secret")));

        await Field(page, "Field Name")!.Find("input").InputAsync(new() { Value = "clientid" });
        await Field(page, "Client ID")!.Find("input").InputAsync(new() { Value = "link" });
        Assert.Contains("clientid: ****", Preview(page));
        await Field(page, "Secret")!.Find("input").InputAsync(new() { Value = "epona" });
        Assert.Contains("clientid: ****", Preview(page)); // the secrets are hidden, so is what they make
        await Button(page, "Show Client ID").ClickAsync(new());
        await Button(page, "Show Secret").ClickAsync(new());
        Assert.Contains("clientid: bGlua2Vwb25h", Preview(page));

        var location = page.FindComponents<MudSelect<CredentialLocation>>().Single();
        await page.InvokeAsync(() => location.Instance.ValueChanged.InvokeAsync(CredentialLocation.QueryParam));
        page.WaitForAssertion(() => Assert.Contains("?clientid=bGlua2Vwb25h", Preview(page)));
    }

    [Fact]
    public async Task Identifiers_are_shown_and_editable_on_edit()
    {
        var id = await SeedAsync(new CredentialInput { Name = "Basic", Type = CredentialType.BasicAuth, ClientId = "webhook_user", Secret = "correct-horse-battery" });

        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.Equal("webhook_user", Field(page, "Username")!.Find("input").GetAttribute("value")));
        Assert.Equal("Configured", page.Find("[data-testid=stored-state]").TextContent); // a chosen password: no ending kept
        Assert.DoesNotContain("correct-horse-battery", page.Markup);
        Assert.Contains("Authorization: Basic ****", Preview(page));
    }
}
