using CredentialPortal.Features.Credentials;
using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Credentials.Pages;

public class CredentialsPageTests : PortalComponentTest
{
    private static string[] FirstColumn(IRenderedComponent<CredentialsPage> page) =>
        page.FindAll("tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim()).ToArray();

    private static IElement SortLabel(IRenderedComponent<CredentialsPage> page, string header) =>
        page.FindAll("th .mud-table-sort-label").Single(l => l.TextContent.Trim() == header);

    [Fact]
    public void Shows_the_five_columns_and_an_empty_state_pointing_at_new_credential()
    {
        var page = Render<CredentialsPage>();

        page.WaitForAssertion(() => Assert.Contains("NEW CREDENTIAL", page.Find("tbody").TextContent));
        Assert.Equal(["Name", "Type", "Last Modified", "Used by", "Options"], page.FindAll("thead th").Select(th => th.TextContent.Trim()));
        Assert.Equal("New credential", page.Find("a[href='integrations/webhook-credentials/new']").TextContent.Trim());
    }

    [Fact]
    public async Task Lists_most_recently_modified_first_with_readable_type_and_date()
    {
        await SeedAsync(CredentialInputs.ClientId("oldest"));
        await SeedAsync(CredentialInputs.ClientIdAndSecret("newest"));

        var page = Render<CredentialsPage>();

        page.WaitForAssertion(() => Assert.Equal(["newest", "oldest"], FirstColumn(page)));
        var cells = page.FindAll("tbody tr")[0].QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray();
        Assert.Equal("Client ID and Secret", cells[1]);
        Assert.Equal("Nov 23, 2026, 09:05 UTC", cells[2]);
        Assert.Equal("Client ID", page.FindAll("tbody tr")[1].QuerySelectorAll("td")[1].TextContent.Trim());
        // The name is the row's link; the row's buttons are Edit and Delete.
        Assert.Equal("newest", page.FindAll("tbody tr")[0].QuerySelector("td a")!.TextContent);
        Assert.Equal(["Edit", "Delete"], page.FindAll("tbody tr")[0].QuerySelectorAll("button").Select(b => b.GetAttribute("aria-label")));
    }

    [Fact]
    public async Task Clicking_a_header_sorts_by_it_and_clicking_again_reverses()
    {
        await SeedAsync(CredentialInputs.ClientId("bravo"));
        await SeedAsync(CredentialInputs.ClientIdAndSecret("alpha"));
        await SeedAsync(CredentialInputs.ClientId("charlie"));
        var page = Render<CredentialsPage>();
        page.WaitForAssertion(() => Assert.Equal(["charlie", "alpha", "bravo"], FirstColumn(page)));

        await SortLabel(page, "Name").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["alpha", "bravo", "charlie"], FirstColumn(page)));
        await SortLabel(page, "Name").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["charlie", "bravo", "alpha"], FirstColumn(page)));

        await SortLabel(page, "Type").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["charlie", "bravo", "alpha"], FirstColumn(page)));
        await SortLabel(page, "Type").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["alpha", "bravo", "charlie"], FirstColumn(page)));

        await SortLabel(page, "Last Modified").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["bravo", "alpha", "charlie"], FirstColumn(page)));
        await SortLabel(page, "Last Modified").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["charlie", "alpha", "bravo"], FirstColumn(page)));
    }

    [Fact]
    public async Task The_search_box_filters_by_name()
    {
        await SeedAsync(CredentialInputs.ClientId("Stripe production"));
        await SeedAsync(CredentialInputs.ClientId("PagerDuty"));
        var page = Render<CredentialsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, FirstColumn(page).Length));

        await page.Find("input[type=text]").InputAsync(new() { Value = "stripe" });

        page.WaitForAssertion(() => Assert.Equal(["Stripe production"], FirstColumn(page)), TimeSpan.FromSeconds(3));

        await page.Find("input[type=text]").InputAsync(new() { Value = "zzz" });
        page.WaitForAssertion(() => Assert.Contains("No credential's name contains “zzz”", page.Find("tbody").TextContent), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Delete_asks_first_cancel_keeps_the_row_and_delete_removes_it()
    {
        await SeedAsync(CredentialInputs.ClientId("keep me"));
        var page = Render<CredentialsPage>();
        page.WaitForAssertion(() => Assert.Equal(["keep me"], FirstColumn(page)));

        // Not awaited: the click's handler waits for the dialog's answer.
        var firstClick = page.Find("button[aria-label=Delete]").ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.Contains("Delete the credential keep me?", Dialogs.Find("[role=dialog]").TextContent));
        await Dialogs.FindAll("[role=dialog] button").Single(b => b.TextContent.Trim() == "Cancel").ClickAsync(new());

        await firstClick;
        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[role=dialog]")));
        Assert.Equal(1, (await Credentials.ListAsync(new())).TotalCount);
        Assert.Equal(["keep me"], FirstColumn(page));
        // Nothing happened, so nothing is said.
        Assert.DoesNotContain("keep me", Snackbars.Markup);

        var secondClick = page.Find("button[aria-label=Delete]").ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.NotEmpty(Dialogs.FindAll("[role=dialog]")));
        await Dialogs.FindAll("[role=dialog] button").Single(b => b.TextContent.Trim() == "Delete").ClickAsync(new());

        await secondClick;
        page.WaitForAssertion(() => Assert.DoesNotContain("keep me", FirstColumn(page)));
        Snackbars.WaitForAssertion(() => Assert.Contains("“keep me” was deleted.", Snackbars.Markup));
        Assert.Equal(0, (await Credentials.ListAsync(new())).TotalCount);
    }

    [Fact]
    public async Task Each_sortable_header_is_a_button_and_its_th_tells_the_sort()
    {
        await SeedAsync(CredentialInputs.ClientId("bravo"));
        await SeedAsync(CredentialInputs.ClientId("alpha"));
        var page = Render<CredentialsPage>();
        page.WaitForAssertion(() => Assert.Equal(["alpha", "bravo"], FirstColumn(page)));
        string[] AriaSorts() => page.FindAll("thead th").Take(3).Select(th => th.GetAttribute("aria-sort") ?? "").ToArray();
        Assert.Equal(["none", "none", "descending"], AriaSorts());
        Assert.Equal(["Name", "Type", "Last Modified", "Used by"], page.FindAll("thead th button[type=button]").Select(b => b.TextContent.Trim()));

        // Enter or Space on a focused button clicks it; the click reaches the sort label.
        await page.FindAll("thead th button").Single(b => b.TextContent.Trim() == "Name").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["ascending", "none", "none"], AriaSorts()));
        Assert.Equal(["alpha", "bravo"], FirstColumn(page));

        await page.FindAll("thead th button").Single(b => b.TextContent.Trim() == "Name").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["descending", "none", "none"], AriaSorts()));
        Assert.Equal(["bravo", "alpha"], FirstColumn(page));
    }
}
